/** What left the producer and where the consumer put it. */
export interface DemoTotals {
  /** Records Kinesis acknowledged to the producer. */
  readonly sent: number;
  /** Records the producer re-sent after an unknown outcome: each may be on the stream twice. */
  readonly possibleDuplicates: number;
  /** Events counted in the aggregates (the sum of counts over the coarsest windows). */
  readonly aggregated: number;
  /** Records dropped as producer duplicates (the consumer's DuplicatesDropped metric). */
  readonly duplicates: number;
  /** Records in the quarantine, by reason. */
  readonly quarantined: Readonly<Record<string, number>>;
}

/** The verdict of the conservation check. */
export interface Conservation {
  readonly holds: boolean;
  /** aggregated + duplicates + quarantined */
  readonly accountedFor: number;
  readonly statement: string;
}

/**
 * Every record sent ends in exactly one place: produced = aggregated +
 * duplicates + quarantined. A re-send after an unknown outcome may add one
 * record to the stream (which the consumer then drops as a duplicate), so
 * the right side may exceed `sent` by at most `possibleDuplicates`.
 */
export function checkConservation(totals: DemoTotals): Conservation {
  const quarantined = Object.values(totals.quarantined).reduce((sum, count) => sum + count, 0);
  const accountedFor = totals.aggregated + totals.duplicates + quarantined;
  const holds = accountedFor >= totals.sent && accountedFor <= totals.sent + totals.possibleDuplicates;
  const right = `aggregated ${totals.aggregated} + duplicates ${totals.duplicates} + quarantined ${quarantined} = ${accountedFor}`;
  const statement = holds
    ? `conservation holds: produced ${totals.sent} = ${right}`
    : `conservation FAILS: produced ${totals.sent}${totals.possibleDuplicates ? ` (+ up to ${totals.possibleDuplicates} re-sent)` : ''} but ${right}`;
  return { holds, accountedFor, statement };
}
