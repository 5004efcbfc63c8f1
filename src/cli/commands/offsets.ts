import { DEFAULT_MAX_COUNTED_RECORDS, offsetsJson, offsetsRows, readOffsets } from '../../offsets';
import { integerFlag, parseFlags } from '../parseFlags';
import { printTable } from '../printTable';
import { resolveTarget } from '../targets/resolveTarget';
import { UserError } from '../errors';
import { STACK_CONSUMER, offsetsUsage } from './offsetsUsage';

/** The consumer the stack deploys (lib/StreamtallyStack.ts), reported when none is named. */

/** `streamtally offsets`: consumer lag per shard (docs/contract.md §2). */
export async function offsetsCommand(argv: readonly string[], out: (text: string) => void): Promise<void> {
  const { values } = parseFlags('offsets', argv, {
    consumer: { type: 'string', multiple: true },
    'all-consumers': { type: 'boolean', default: false },
    'max-records': { type: 'string' },
  });
  if (values.help) return out(offsetsUsage);
  if (values['all-consumers'] && values.consumer !== undefined)
    throw new UserError('offsets: --consumer and --all-consumers cannot be used together');
  const consumers = values['all-consumers'] ? 'all' : (values.consumer ?? [STACK_CONSUMER]);
  const maxCountedRecords = integerFlag('max-records', values['max-records'], DEFAULT_MAX_COUNTED_RECORDS, 1, 10_000_000);
  const target = await resolveTarget(values);
  const { streamName, checkpointTable } = target.resources;

  const offsets = await readOffsets(target, { streamName, checkpointTable, consumers, maxCountedRecords }).catch((error: unknown) => {
    const name = (error as Error).name;
    if (name === 'ResourceNotFoundException') {
      throw new UserError(
        `offsets: the stream ${streamName} or the table ${checkpointTable} does not exist on the ${target.name} target`,
        2,
        { cause: error },
      );
    }
    if ((error as { code?: string }).code === 'ECONNREFUSED') {
      throw new UserError(`offsets: the ${target.name} target does not answer (${(error as Error).message})`, 2, { cause: error });
    }
    throw error;
  });
  if (values.json) return out(offsetsJson(offsets));
  if (offsets.length === 0) return out(`no consumer has a checkpoint in ${checkpointTable} yet`);
  const { headers, rows } = offsetsRows(offsets);
  printTable(out, headers, rows);
  const notStarted = offsets
    .filter((consumer) => consumer.shards.every((shard) => shard.checkpoint === null))
    .map((consumer) => consumer.consumer);
  if (notStarted.length > 0) out(`no checkpoint yet for ${notStarted.join(', ')}: its lag counts every record in the stream`);
}
