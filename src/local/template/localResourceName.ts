import { createHash } from 'node:crypto';

/** The longest name every emulated resource type accepts (S3 buckets: 63). */
const MAX_NAME_LENGTH = 63;

/**
 * The local name of a resource the template leaves unnamed: `<prefix>-<logicalId>` in lower
 * case (`streamtally-eventstreama212d9d0`). Stable across runs, so persisted data is found
 * again, and valid for every emulated type: lower-case letters, digits and hyphens, at most
 * 63 characters (a longer one keeps its start and ends in a hash of the logical id).
 * @param prefix @default 'streamtally'
 */
export function localResourceName(logicalId: string, prefix = 'streamtally'): string {
  const name = `${prefix}-${logicalId}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(logicalId).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME_LENGTH - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}
