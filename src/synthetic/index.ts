/**
 * Synthetic events for `streamtally produce --rate` and the demo: Zipf keys,
 * several types, and the duplicates, malformed, late and future events the
 * consumer must handle.
 */
export {
  SyntheticEvents,
  SyntheticTag,
  DEMO_MIX,
  DEFAULT_SYNTHETIC_TYPES,
  type SyntheticItem,
  type SyntheticOptions,
} from './SyntheticEvents';
export { runSynthetic, type SyntheticRun, type SyntheticRunResult, type SyntheticSink } from './runSynthetic';
export { ZipfSampler } from './ZipfSampler';
export { seededRandom } from './seededRandom';
