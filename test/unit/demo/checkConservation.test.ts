import { describe, expect, it } from 'vitest';
import { checkConservation } from '../../../src/demo/checkConservation';

describe('checkConservation', () => {
  it('holds when every record sent is aggregated, dropped as a duplicate or quarantined', () => {
    const verdict = checkConservation({
      sent: 100,
      possibleDuplicates: 0,
      aggregated: 90,
      duplicates: 4,
      quarantined: { invalid: 3, late: 2, future: 1 },
    });
    expect(verdict).toEqual({
      holds: true,
      accountedFor: 100,
      statement: 'conservation holds: produced 100 = aggregated 90 + duplicates 4 + quarantined 6 = 100',
    });
  });

  it('fails on a lost record and on a record counted twice', () => {
    expect(checkConservation({ sent: 100, possibleDuplicates: 0, aggregated: 89, duplicates: 4, quarantined: { invalid: 6 } }).holds).toBe(
      false,
    );
    expect(checkConservation({ sent: 100, possibleDuplicates: 0, aggregated: 91, duplicates: 4, quarantined: { invalid: 6 } }).holds).toBe(
      false,
    );
  });

  it('allows each possible re-send to appear once more, as a dropped duplicate', () => {
    expect(checkConservation({ sent: 100, possibleDuplicates: 2, aggregated: 90, duplicates: 6, quarantined: { invalid: 6 } }).holds).toBe(
      true,
    );
    expect(checkConservation({ sent: 100, possibleDuplicates: 2, aggregated: 90, duplicates: 7, quarantined: { invalid: 6 } }).holds).toBe(
      false,
    );
  });
});
