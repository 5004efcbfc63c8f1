import type { BillingMeter } from './BillingMeter';

/** The busiest partition key of one table or index over a run. */
export interface HottestPartition {
  readonly partitionKey: string;
  readonly writeUnits: number;
  /** writeUnits ÷ (events ÷ 1,000): its write units per second when 1,000 events/s are offered. */
  readonly writeUnitsPerSecondAt1000EventsPerSecond: number;
}

/** One run's billed units, per event, by table or index (`table/index`) and in all. */
export interface BilledFigures {
  readonly events: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly writeUnitsPerEvent: number;
  readonly writeUnitsPerEventBy: Record<string, number>;
  readonly readUnitsPerEvent: number;
  readonly readUnitsPerEventBy: Record<string, number>;
  /** The largest of hottestPartitionBy's rates: the partition DynamoDB would throttle first. */
  readonly hottestPartitionWriteUnitsPerSecond: number;
  readonly hottestPartitionBy: Record<string, HottestPartition>;
}

/**
 * Turns what the meter recorded over `events` events into per-event figures,
 * naming each table by `names` (a run's table names carry a suffix) and
 * leaving unnamed tables as they are.
 */
export function billedFigures(
  meter: Pick<BillingMeter, 'byResource' | 'writeUnitsByPartition'>,
  events: number,
  names: ReadonlyMap<string, string>,
): BilledFigures {
  const rename = (resource: string) => {
    const [table, index] = resource.split('/');
    const name = names.get(table!) ?? table!;
    return index === undefined ? name : `${name}/${index}`;
  };
  const writeUnitsPerEventBy: Record<string, number> = {};
  const readUnitsPerEventBy: Record<string, number> = {};
  let writeUnits = 0;
  let readUnits = 0;
  for (const [resource, units] of [...meter.byResource].sort(([a], [b]) => a.localeCompare(b))) {
    writeUnits += units.writeUnits;
    readUnits += units.readUnits;
    if (units.writeUnits > 0) writeUnitsPerEventBy[rename(resource)] = units.writeUnits / events;
    if (units.readUnits > 0) readUnitsPerEventBy[rename(resource)] = units.readUnits / events;
  }
  const hottestPartitionBy: Record<string, HottestPartition> = {};
  for (const [resource, partitions] of [...meter.writeUnitsByPartition].sort(([a], [b]) => a.localeCompare(b))) {
    let hottest: [string, number] = ['', 0];
    for (const entry of partitions) if (entry[1] > hottest[1]) hottest = entry;
    hottestPartitionBy[rename(resource)] = {
      partitionKey: hottest[0],
      writeUnits: hottest[1],
      writeUnitsPerSecondAt1000EventsPerSecond: hottest[1] / (events / 1_000),
    };
  }
  return {
    events,
    writeUnits,
    readUnits,
    writeUnitsPerEvent: writeUnits / events,
    writeUnitsPerEventBy,
    readUnitsPerEvent: readUnits / events,
    readUnitsPerEventBy,
    hottestPartitionWriteUnitsPerSecond: Math.max(
      0,
      ...Object.values(hottestPartitionBy).map((hot) => hot.writeUnitsPerSecondAt1000EventsPerSecond),
    ),
    hottestPartitionBy,
  };
}
