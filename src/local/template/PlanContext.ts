import type { IntrinsicResolver } from './IntrinsicResolver';
import type { LocalEnvironment } from './LocalEnvironment';
import type { ResourceIdentity } from './ResourceIdentity';

/** What every part of {@link planLocalStack} reads besides its own resource. */
export interface PlanContext {
  readonly environment: LocalEnvironment;
  readonly resolver: IntrinsicResolver;
  /** Every resource that exists locally (conditions evaluated), by logical id. */
  readonly identities: ReadonlyMap<string, ResourceIdentity>;
  /** The cloud assembly directory (absolute). */
  readonly assemblyDir: string;
  /** Asset manifests' S3 object keys → asset paths (absolute). */
  readonly assetPaths: ReadonlyMap<string, string>;
}
