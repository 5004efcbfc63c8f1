import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeLateness, type LatenessInput } from '../../../core';
import { streamEvent, windowingConfig } from './factories';

const HOUR = 3_600_000;
const T = Date.parse('2026-11-26T12:00:00.000Z');
const config = windowingConfig({ allowedLatenessMs: HOUR, maxClockSkewMs: 300_000 });

function input(tsMs: number | undefined, arrivalMs = T + 10 * HOUR): LatenessInput {
  return { event: tsMs === undefined ? undefined : streamEvent({ tsMs }), arrivalMs };
}

describe('judgeLateness', () => {
  it('raises the watermark record by record when progressive, so an event after a much newer one is late', () => {
    // Prepare: 12:00, then 15:00, then 13:30 (more than 1 h behind 15:00)
    const inputs = [input(T), input(T + 3 * HOUR), input(T + 1.5 * HOUR)];

    // Act
    const judged = judgeLateness(inputs, undefined, config, true);

    // Assess
    expect(judged.verdicts.map((verdict) => verdict?.kind)).toEqual(['valid', 'valid', 'late']);
    expect(judged.watermarks).toEqual([T, T + 3 * HOUR, T + 3 * HOUR]);
  });

  it('judges a whole batch against the starting watermark when not progressive', () => {
    const judged = judgeLateness([input(T), input(T + 3 * HOUR), input(T + 1.5 * HOUR)], undefined, config, false);
    expect(judged.verdicts.map((verdict) => verdict?.kind)).toEqual(['valid', 'valid', 'valid']);
    expect(judged.watermarks.at(-1)).toBe(T + 3 * HOUR);
  });

  it('lets neither invalid nor future records move the watermark', () => {
    const arrival = T;
    const judged = judgeLateness(
      [input(undefined, arrival), input(T + 2 * HOUR, arrival), input(T - 30 * 60_000, arrival)],
      T,
      config,
      true,
    );
    expect(judged.verdicts.map((verdict) => verdict?.kind)).toEqual([undefined, 'future', 'valid']);
    expect(judged.watermarks).toEqual([T, T, T]);
  });

  it('gives every record the same verdict however the run is cut into batches (progressive mode)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -3 * HOUR, max: 3 * HOUR }), { nil: undefined }), { maxLength: 40 }),
        fc.array(fc.nat(40), { maxLength: 5 }),
        (offsets, cuts) => {
          const inputs = offsets.map((offset) => input(offset === undefined ? undefined : T + offset));
          const whole = judgeLateness(inputs, undefined, config, true);
          // Cut at arbitrary points, carrying the watermark across as a checkpoint would.
          const points = [...new Set(cuts.map((cut) => cut % (inputs.length + 1)))].sort((a, b) => a - b);
          let start = 0;
          let watermark: number | undefined;
          const verdicts: unknown[] = [];
          for (const end of [...points, inputs.length]) {
            if (end <= start) continue;
            const part = judgeLateness(inputs.slice(start, end), watermark, config, true);
            verdicts.push(...part.verdicts);
            watermark = part.watermarks.at(-1);
            start = end;
          }
          expect(verdicts).toEqual(whole.verdicts);
        },
      ),
      { numRuns: 500 },
    );
  });
});
