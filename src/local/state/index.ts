export { isProcessAlive } from './isProcessAlive';
export { type LocalPaths, localPaths, PROJECT_ROOT } from './localPaths';
export { localResourcesFromOutputs } from './localResourcesFromOutputs';
export type { LocalStackResources, LocalState } from './LocalState';
export { LocalStateError } from '../errors';
export { type ReadLocalStateOptions, readLocalState, removeLocalState, writeLocalState } from './localStateFile';
