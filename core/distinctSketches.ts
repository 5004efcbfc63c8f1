import { fieldValueText, readEventField } from './readEventField';
import { HyperLogLog } from './sketches';
import { measuresOfType } from './typeMeasures';
import type { MeasuresConfig } from './measures';
import type { ItemDelta } from './types';

/** The sketch of one declared distinct field's values among one delta's contributions. */
export interface DeltaSketch {
  /** Index of the delta in the list given. */
  readonly deltaIndex: number;
  readonly field: string;
  readonly precision: number;
  readonly sketch: HyperLogLog;
}

/**
 * One HyperLogLog per (delta, declared distinct field) of the batch's values
 * (docs/measures.md): what the store merges into the cell's sketch item.
 * Contributions without a value for the field (missing, null, an object or
 * an array) add nothing; a delta with no value at all for a field gets no sketch.
 */
export function deltaSketches(deltas: readonly ItemDelta[], config: MeasuresConfig): DeltaSketch[] {
  const sketches: DeltaSketch[] = [];
  if (Object.keys(config.types).length === 0) return sketches;
  for (let deltaIndex = 0; deltaIndex < deltas.length; deltaIndex++) {
    const delta = deltas[deltaIndex]!;
    const { distinct } = measuresOfType(config, delta.address.type);
    for (const { field, precision } of distinct) {
      let sketch: HyperLogLog | undefined;
      for (const contribution of delta.contributions) {
        const text = fieldValueText(readEventField(contribution.event, field));
        if (text === undefined) continue;
        (sketch ??= HyperLogLog.create(precision)).add(text);
      }
      if (sketch !== undefined) sketches.push({ deltaIndex, field, precision, sketch });
    }
  }
  return sketches;
}
