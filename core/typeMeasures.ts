import { baseType, DEFAULT_TYPE_MEASURES, type MeasuresConfig, type TypeMeasures } from './measures';

/**
 * What the cells of `type` keep under `config`. A derived type (a dimension's
 * or a total's) keeps its event type's stats, distinct counts and quantiles,
 * but derives nothing further: no dimensions of dimensions, no total of a total.
 */
export function measuresOfType(config: MeasuresConfig, type: string): TypeMeasures {
  const base = baseType(type);
  const declared = config.types[base];
  if (declared === undefined) return DEFAULT_TYPE_MEASURES;
  if (base === type) return declared;
  return { ...declared, dimensions: [], total: false };
}
