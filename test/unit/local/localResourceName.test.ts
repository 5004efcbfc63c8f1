import { describe, expect, it } from 'vitest';
import { localResourceName } from '../../../src/local/template';

describe('localResourceName', () => {
  it('derives a stable, readable, lower-case name from the logical id', () => {
    expect(localResourceName('EventStreamA212D9D0')).toBe('streamtally-eventstreama212d9d0');
    expect(localResourceName('EventStreamA212D9D0', 'demo')).toBe('demo-eventstreama212d9d0');
  });

  it('stays within the rules of every emulated type (S3: 3-63 of [a-z0-9-])', () => {
    const long = `Very${'Long'.repeat(30)}LogicalId0123ABCD`;
    const name = localResourceName(long);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(name).toBe(localResourceName(long));
    expect(name).not.toBe(localResourceName(`${long}X`));
  });
});
