import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isQuantileBinAttribute, MeasureAttributes } from '../../../core';
import type { AggregateState } from './ports';

/** The item's state from returned or read attributes: the count alone unless the whole item is wanted. */
export function stateOf(attributes: Record<string, AttributeValue> | undefined, whole: boolean): AggregateState {
  const count = Number(attributes?.count?.N ?? 0);
  if (!whole || attributes === undefined) return { count };
  const bins: Record<string, number> = {};
  let hasBins = false;
  for (const [name, value] of Object.entries(attributes)) {
    if (value.N !== undefined && isQuantileBinAttribute(name)) {
      bins[name] = Number(value.N);
      hasBins = true;
    }
  }
  const number = (name: string): number | undefined => (attributes[name]?.N === undefined ? undefined : Number(attributes[name].N));
  const accuracy = number(MeasureAttributes.relativeAccuracy);
  return {
    count,
    ...(attributes.sum?.N !== undefined ? { sum: Number(attributes.sum.N) } : {}),
    ...(attributes.min?.N !== undefined ? { min: Number(attributes.min.N) } : {}),
    ...(attributes.max?.N !== undefined ? { max: Number(attributes.max.N) } : {}),
    ...(hasBins ? { bins } : {}),
    ...(accuracy !== undefined ? { relativeAccuracy: accuracy } : {}),
  };
}
