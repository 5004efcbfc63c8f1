import { listQuarantined } from '../../quarantine/listQuarantined';
import { redriveQuarantined } from '../../quarantine/redriveQuarantined';
import { integerFlag, parseFlags } from '../parseFlags';
import { printTable } from '../printTable';
import { resolveTarget } from '../targets/resolveTarget';
import { UserError } from '../errors';
import { quarantineUsage } from './quarantineUsage';

const REASONS = ['invalid', 'late', 'future'];

/** `streamtally quarantine list|redrive`. */
export async function quarantineCommand(argv: readonly string[], out: (text: string) => void): Promise<void> {
  const { values, positionals } = parseFlags(
    'quarantine',
    argv,
    { reason: { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    true,
  );
  const action = positionals[0];
  if (values.help || action === undefined) return out(quarantineUsage);
  if (action !== 'list' && action !== 'redrive') throw new UserError(`quarantine: unknown action "${action}"; use list or redrive`);
  if (positionals.length > 1) throw new UserError(`quarantine: unexpected argument "${positionals[1]}"`);
  if (values.reason !== undefined && !REASONS.includes(values.reason)) {
    throw new UserError(`quarantine: --reason must be one of ${REASONS.join(', ')}, got "${values.reason}"`);
  }
  const limit = values.limit === undefined ? undefined : integerFlag('limit', values.limit, 0, 1, 1_000_000);
  const target = await resolveTarget(values);
  const entries = await listQuarantined(target.s3, target.resources.quarantineBucket, { reason: values.reason, limit });

  if (action === 'list') {
    const records = entries.map(({ document }) => ({
      reason: document.reason,
      message: document.message,
      shardId: document.shardId,
      sequenceNumber: document.sequenceNumber,
      ...(document.subSequenceNumber !== undefined ? { subSequenceNumber: document.subSequenceNumber } : {}),
      arrivalTime: document.arrivalTime,
      data: document.data,
    }));
    if (values.json) return out(JSON.stringify({ records }));
    if (records.length === 0) return out('the quarantine is empty');
    return printTable(
      out,
      ['reason', 'shardId', 'sequenceNumber', 'arrivalTime', 'message'],
      records.map((record) => [
        record.reason,
        record.shardId,
        record.subSequenceNumber === undefined ? record.sequenceNumber : `${record.sequenceNumber}.${record.subSequenceNumber}`,
        record.arrivalTime,
        record.message,
      ]),
    );
  }
  if (values['dry-run']) {
    return out(
      values.json
        ? JSON.stringify({ wouldSend: entries.length })
        : `would send ${entries.length} record(s) back to ${target.resources.streamName}`,
    );
  }
  const report = await redriveQuarantined(entries, target, {
    streamName: target.resources.streamName,
    bucket: target.resources.quarantineBucket,
  });
  if (values.json) out(JSON.stringify(report));
  else out(`sent ${report.sent} record(s) back to ${target.resources.streamName}; ${report.failed.length} failed`);
  if (report.failed.length > 0) throw new UserError(`${report.failed.length} record(s) could not be sent and stay in the quarantine`, 1);
}
