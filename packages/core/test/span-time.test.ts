// The lean engine's end time: the SDK's `addHrTimes(start, millisToHrTime(elapsed))` in one array.
import type { HrTime } from '@opentelemetry/api';
import { addHrTimes, millisToHrTime } from '@opentelemetry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sinceStart } from '../src/engine/span-time.js';

describe('sinceStart', () => {
  it('gives exactly the SDK end time for any start and elapsed monotonic time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_800 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.oneof(
          fc.double({ min: 0, max: 1e9, noNaN: true }),
          fc.double({ min: 0, max: 2, noNaN: true }),
          fc.constantFrom(0, 999.9999999, 1000, 0.0000004, 0.0000005),
        ),
        (seconds, nanos, elapsedMs) => {
          const start: HrTime = [seconds, nanos];
          expect(sinceStart(start, elapsedMs)).toEqual(addHrTimes(start, millisToHrTime(elapsedMs)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
