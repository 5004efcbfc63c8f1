import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where a mapping resumes: what it persisted the last time it ran. */
export interface MappingCheckpointStore {
  /** Per shard, the last sequence number the mapping finished (delivered or gave up). */
  readonly shards: Readonly<Record<string, string>>;
  /** Records that every record of `shardId` up to `sequenceNumber` is finished. */
  save(shardId: string, sequenceNumber: string): void;
}

interface Persisted {
  readonly uuid: string;
  readonly shards: Record<string, string>;
}

/**
 * A mapping's UUID and per-shard checkpoints in one JSON file, so that the
 * mapping keeps both across restarts of the local stack, as a mapping on AWS
 * does (it is the same resource; only a new mapping gets a new UUID and
 * starts at its StartingPosition). The file is replaced atomically (a
 * temporary file renamed over it) after each finished batch, so a kill leaves
 * either the old checkpoint or the new one: at worst a batch is delivered
 * again, never skipped.
 */
export class MappingCheckpointFile implements MappingCheckpointStore {
  /** The mapping's UUID: the persisted one, or a new one for a new mapping. */
  readonly uuid: string;
  private readonly positions: Record<string, string>;
  private readonly temporary: string;

  /**
   * Opens (or creates) `file`.
   * @throws when the file exists but is not a checkpoint file (better than silently starting over)
   */
  constructor(readonly file: string) {
    const persisted = readPersisted(file);
    this.uuid = persisted?.uuid ?? randomUUID();
    this.positions = { ...persisted?.shards };
    this.temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    mkdirSync(path.dirname(file), { recursive: true });
    if (!persisted) this.write();
  }

  get shards(): Readonly<Record<string, string>> {
    return this.positions;
  }

  save(shardId: string, sequenceNumber: string): void {
    if (this.positions[shardId] === sequenceNumber) return;
    this.positions[shardId] = sequenceNumber;
    this.write();
  }

  private write(): void {
    const persisted: Persisted = { uuid: this.uuid, shards: this.positions };
    writeFileSync(this.temporary, `${JSON.stringify(persisted, null, 2)}\n`);
    renameSync(this.temporary, this.file);
  }
}

function readPersisted(file: string): Persisted | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<Persisted>;
  if (typeof parsed.uuid !== 'string' || typeof parsed.shards !== 'object' || parsed.shards === null) {
    throw new Error(
      `${file} is not an event source mapping checkpoint file (uuid and shards expected); remove it to start the mapping anew`,
    );
  }
  return { uuid: parsed.uuid, shards: { ...parsed.shards } };
}
