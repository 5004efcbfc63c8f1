import { fieldValueText, readEventField } from './readEventField';
import { HyperLogLog } from './sketches';
import { measuresOfType } from './typeMeasures';
import type { MeasuresConfig } from './measures';
import type { ItemDelta } from './types';

/** One declared distinct field's values among one delta's contributions, as register raises. */
export interface DeltaSketch {
  /** Index of the delta in the list given. */
  readonly deltaIndex: number;
  readonly field: string;
  readonly precision: number;
  /**
   * {@link HyperLogLog.updateOf} of each value at `precision`: what merging the
   * batch's sketch would do, without building a sketch per delta (a dense
   * sketch is 2^p registers; a batch's values in one cell are usually few).
   */
  readonly updates: readonly number[];
}

/**
 * Per (delta, declared distinct field), the batch's values as HyperLogLog register raises
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
      const updates: number[] = [];
      for (const contribution of delta.contributions) {
        const text = fieldValueText(readEventField(contribution.event, field));
        if (text !== undefined) updates.push(HyperLogLog.updateOf(text, precision));
      }
      if (updates.length > 0) sketches.push({ deltaIndex, field, precision, updates });
    }
  }
  return sketches;
}
