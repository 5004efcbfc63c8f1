// The local runtime's errors live in src/local/errors.ts. This path stays only for the
// journaled Kinesis front (src/local/kinesisJournal/), which is being replaced.
export { EmulatorError } from '../errors';
