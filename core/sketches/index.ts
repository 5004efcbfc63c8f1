/**
 * The sketches the consumer writes and the CLI reads (docs/measures.md): a
 * HyperLogLog per distinct-counted field, and DDSketch bins for quantiles.
 */
export { HYPER_LOG_LOG_MAX_PRECISION, HYPER_LOG_LOG_MIN_PRECISION, HyperLogLog, hyperLogLogStandardError } from './hyperLogLog';
export { isQuantileBinAttribute, mergeBins, quantileBinAttribute, quantileFromBins } from './quantileBins';
