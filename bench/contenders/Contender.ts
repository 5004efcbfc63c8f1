import type { KinesisStreamEvent } from 'aws-lambda';

/** What one pass of a contender over the whole workload did, to check that they did comparable work. */
export interface ContenderRun {
  /** Records handed to the contender. */
  readonly records: number;
  /** Events added to aggregates. */
  readonly counted: number;
  /** Producer retries dropped by id. */
  readonly duplicates: number;
  /** Records set aside (quarantined, or reported as failed). */
  readonly rejected: number;
  /** Writes to the store (aggregate items, claims, checkpoints), counted by the in-memory store. */
  readonly storeWrites: number;
}

/** One way of consuming the workload, measured on its own. */
export interface Contender {
  readonly id: string;
  readonly label: string;
  /** Measured to explain the others, not one of the compared contenders. */
  readonly diagnostic: boolean;
  /** Consumes every batch in order, one at a time, into fresh state. */
  run(batches: readonly KinesisStreamEvent[]): Promise<ContenderRun>;
}
