import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TIMEOUT_MS, resolveTimeoutMs } from '../src/timeout-option.js';

const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.message);
process.on('warning', onWarning);
afterEach(() => {
  warnings.length = 0;
});

/** Process warnings are emitted on the next tick. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('timeout options (timeoutMs, settleTimeoutMs)', () => {
  it('takes 0 (no timeout) and any delay setTimeout honours, silently', async () => {
    expect(resolveTimeoutMs('settleTimeoutMs', 0, 60_000)).toBe(0);
    expect(resolveTimeoutMs('settleTimeoutMs', 1.5, 60_000)).toBe(1.5);
    expect(resolveTimeoutMs('settleTimeoutMs', MAX_TIMEOUT_MS, 60_000)).toBe(MAX_TIMEOUT_MS);
    expect(resolveTimeoutMs('settleTimeoutMs', undefined, 60_000)).toBe(60_000);
    await settled();
    expect(warnings).toEqual([]);
  });

  it.each([
    [-1, 60_000],
    [Number.NaN, 60_000],
    ['5000', 60_000],
    [null, 60_000],
    [Number.POSITIVE_INFINITY, MAX_TIMEOUT_MS],
    [MAX_TIMEOUT_MS + 1, MAX_TIMEOUT_MS],
  ])('warns once about %s and uses %i', async (value, used) => {
    const option = `settleTimeoutMs (case ${String(value)})`;
    expect(resolveTimeoutMs(option, value, 60_000)).toBe(used);
    expect(resolveTimeoutMs(option, value, 60_000)).toBe(used);
    await settled();
    expect(warnings).toEqual([
      `@spanwise/amqplib: ${option} ${String(value)} is not a number of ms from 0 (no timeout) to ${MAX_TIMEOUT_MS}; using ${used} instead`,
    ]);
  });
});
