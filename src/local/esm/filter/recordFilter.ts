import type { KinesisStreamRecord } from 'aws-lambda';
import { compilePattern, type Predicate } from './compilePattern';

/** Whether the mapping delivers a record to the function. */
export type RecordFilter = (record: KinesisStreamRecord) => boolean;

/**
 * The filter of a mapping's `FilterCriteria`: a record is delivered when it
 * matches at least one of the patterns (OR across filters), and dropped
 * otherwise. As Lambda does for Kinesis, a pattern is matched against the
 * record's `kinesis` metadata (`partitionKey`, `sequenceNumber`, …) with
 * `data` decoded from base64 and parsed as JSON when it is valid JSON;
 * otherwise `data` stays the base64 string, so a pattern on data fields
 * cannot match it.
 * @throws like {@link compilePattern}, for each pattern
 */
export function recordFilter(patterns: readonly string[]): RecordFilter {
  const predicates: Predicate[] = patterns.map(compilePattern);
  return (record) => {
    const subject = { ...record.kinesis, data: decodeData(record.kinesis.data) };
    return predicates.some((predicate) => predicate(subject));
  };
}

function decodeData(base64: string): unknown {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return base64;
  }
}
