import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as storeErrors from '../../lambdas/aggregator/store/errors';
import * as cliErrors from '../../src/cli/errors';
import * as localErrors from '../../src/local/errors';
import * as producerErrors from '../../src/producer/errors';
import * as queryErrors from '../../src/query/errors';
import * as replayErrors from '../../src/replay/errors';
import * as core from '../../core';

// One error module per area, one base per area, one root: a caller can tell
// streamtally's own refusals from bugs with one instanceof, and an area's from
// another's with one more.

const ROOT = path.resolve(__dirname, '..', '..');
const PRODUCT_DIRS = ['core', 'lib', 'lambdas', 'src', 'bin'];

const MODULES: Record<string, { base: string | readonly string[]; exports: Record<string, unknown> }> = {
  // Through the index (test/unit/core/coreBoundary.test.ts); its error classes are core/errors.ts's.
  // The core holds two families: its settings' and its sketches' (stored bytes, not settings).
  'core/errors.ts': { base: ['ConfigError', 'SketchError'], exports: core },
  'lambdas/aggregator/store/errors.ts': { base: 'StoreError', exports: storeErrors },
  'src/cli/errors.ts': { base: 'UserError', exports: cliErrors },
  'src/local/errors.ts': { base: 'LocalRuntimeError', exports: localErrors },
  'src/producer/errors.ts': { base: 'ProducerError', exports: producerErrors },
  'src/query/errors.ts': { base: 'QueryError', exports: queryErrors },
  'src/replay/errors.ts': { base: 'ReplayError', exports: replayErrors },
};

type ErrorClass = new (...args: never[]) => Error;
const { StreamtallyError } = core;
const cause = new Error('the cause');
/** One way to build each error, always with a cause. */
const EXAMPLES: Record<string, (C: ErrorClass) => Error> = {
  GranularityConfigError: (C) => new (C as unknown as new (m: string, s: string, o: object) => Error)('bad spec', '1x', { cause }),
  UserError: (C) => new (C as unknown as new (m: string, code: number, o: object) => Error)('bad flag', 2, { cause }),
  EmulatorError: (C) =>
    new (C as unknown as new (e: string, m: string, o: object) => Error)('dynamodb', 'did not start\nat all', { cause }),
  ProvisionError: (C) => new (C as unknown as new (id: string, m: string, o: object) => Error)('Table', 'cannot create', { cause }),
  LocalStateError: (C) => new (C as unknown as new (r: string, m: string, o: object) => Error)('absent', 'run local up', { cause }),
  LocalFunctionClosedError: (C) => new (C as unknown as new (f: string, o: object) => Error)('fn', { cause }),
  InvalidMappingSettingError: (C) =>
    new (C as unknown as new (s: string, m: string, o: object) => Error)('BatchSize', 'too big', { cause }),
  MappingSettingError: (C) => new (C as unknown as new (s: string, m: string, o: object) => Error)('BatchSize', 'refused', { cause }),
  UnsupportedMappingSettingError: (C) =>
    new (C as unknown as new (s: string, m: string, o: object) => Error)('TumblingWindow', 'no', { cause }),
  ProducerValidationError: (C) => new (C as unknown as new (r: string, o: object) => Error)('field "ts": bad', { cause }),
  ProducerClosedError: (C) => new (C as unknown as new (o: object) => Error)({ cause }),
  CheckpointTrimmedError: (C) => new (C as unknown as new (s: string, o: object) => Error)('shard-1', { cause }),
  ReplayWriteError: (C) => new (C as unknown as new (s: string, n: number, o: object) => Error)('shard-1', 3, { cause }),
  TopKeysDepthError: (C) => new (C as unknown as new (a: number, d: number, o: object) => Error)(200, 100, { cause }),
};
const build = (name: string, C: ErrorClass): Error =>
  (EXAMPLES[name] ?? ((K) => new (K as unknown as new (m: string, o: object) => Error)('something is wrong', { cause })))(C);

function sourcesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourcesUnder(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

const errorClasses = Object.entries(MODULES).flatMap(([file, { exports }]) =>
  Object.entries(exports)
    .filter(([, value]) => typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof Error)
    .map(([name, value]) => ({ file, name, C: value as ErrorClass })),
);

describe('the error modules', () => {
  it('declare every exported error class of the product, and nothing else does', () => {
    const knownNames = new Set(['Error', ...errorClasses.map((entry) => entry.name)]);
    const misplaced: string[] = [];
    for (const file of PRODUCT_DIRS.flatMap((dir) => sourcesUnder(path.join(ROOT, dir)))) {
      const relative = path.relative(ROOT, file).split(path.sep).join('/');
      for (const match of readFileSync(file, 'utf8').matchAll(/^export (?:abstract )?class (\w+) extends (\w+)/gm)) {
        const [, name, base] = match;
        const isError = knownNames.has(base!) || /Error$|Refusal$/.test(name!);
        if (isError && !(relative in MODULES)) misplaced.push(`${relative}: ${name}`);
      }
    }
    expect(misplaced).toEqual([]);
    expect(errorClasses.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(MODULES))(
    '%s has its area base under StreamtallyError, and every class there derives from it',
    (_file, { base, exports }) => {
      const bases = typeof base === 'string' ? [base] : base;
      const baseClasses = bases.map((name) => exports[name] as ErrorClass);
      for (const baseClass of baseClasses) expect(baseClass.prototype).toBeInstanceOf(StreamtallyError);
      for (const [name, value] of Object.entries(exports)) {
        const isErrorClass = typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof Error;
        if (!isErrorClass || bases.includes(name) || name === 'StreamtallyError') continue;
        const family = baseClasses.filter((baseClass) => value.prototype instanceof baseClass);
        expect(family, name).toHaveLength(1);
      }
    },
  );

  it.each(errorClasses.map((entry) => [entry.name, entry]))(
    '%s names itself, keeps its cause and has a one-line message',
    (_name, { name, C }) => {
      const error = build(name, C);
      expect(error).toBeInstanceOf(StreamtallyError);
      expect(error.name).toBe(name);
      expect(error.cause).toBe(cause);
      expect(error.message).not.toMatch(/\n/);
      expect(error.message.length).toBeGreaterThan(0);
    },
  );
});
