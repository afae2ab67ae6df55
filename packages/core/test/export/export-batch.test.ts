import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type Batch, mayRetry } from '../../src/export/export-batch.js';
import { EXPORT_DEFAULTS, type ExportLimits } from '../../src/export/export-limits.js';
import { ExportTimers } from '../../src/export/export-timers.js';

const limits = { ...EXPORT_DEFAULTS, maxRetries: 2, exportTimeoutMs: 1000 } as ExportLimits;

function batch(attempt: number, startedAgoMs: number): Batch {
  return { entries: [], spans: 1, bytes: 1, body: undefined, attempt, startedAt: Date.now() - startedAgoMs };
}

describe('mayRetry', () => {
  it('retries while attempts are left and the retry starts within the time budget', () => {
    expect(mayRetry(batch(0, 0), 100, limits, undefined, false)).toBe(true);
    expect(mayRetry(batch(1, 800), 100, limits, undefined, false)).toBe(true);
    expect(mayRetry(batch(2, 0), 100, limits, undefined, false)).toBe(false);
    expect(mayRetry(batch(1, 950), 100, limits, undefined, false)).toBe(false);
  });

  it('does not retry once the failure opened the circuit', () => {
    expect(mayRetry(batch(0, 0), 100, limits, undefined, true)).toBe(false);
  });

  it('while shutting down, retries regardless of attempts, time and circuit, if it starts before the deadline', () => {
    const deadlineAt = Date.now() + 1000;
    expect(mayRetry(batch(1, 5000), 100, limits, deadlineAt, true)).toBe(true);
    expect(mayRetry(batch(9, 0), 100, limits, deadlineAt, false)).toBe(true);
    expect(mayRetry(batch(0, 0), 2000, limits, deadlineAt, false)).toBe(false);
  });
});

describe('ExportTimers', () => {
  it('fires each named timer once, through the guard, and reports it pending until then', async () => {
    const guarded: string[] = [];
    const timers = new ExportTimers((action) => {
      guarded.push('guard');
      action();
    });
    const fired: string[] = [];
    timers.set('export', 5, () => fired.push('export'));
    timers.set('retry', 5, () => fired.push('retry'));
    timers.clear('retry');
    expect(timers.pending('export')).toBe(true);
    expect(timers.pending('retry')).toBe(false);
    await sleep(30);
    expect(fired).toEqual(['export']);
    expect(guarded).toEqual(['guard']);
    expect(timers.pending('export')).toBe(false);
  });

  it('rearms a fired timer again and again, running it once per arming', async () => {
    const timers = new ExportTimers((action) => action());
    let runs = 0;
    for (let i = 0; i < 3; i++) {
      timers.rearm('encode', 5, () => runs++);
      timers.rearm('encode', 5, () => runs++);
      expect(timers.pending('encode')).toBe(true);
      await sleep(30);
      expect(timers.pending('encode')).toBe(false);
    }
    expect(runs).toBe(3);
  });

  it('clearAll cancels every pending timer', async () => {
    const timers = new ExportTimers((action) => action());
    let runs = 0;
    timers.set('export', 5, () => runs++);
    timers.rearm('encode', 5, () => runs++);
    timers.clearAll();
    await sleep(30);
    expect(runs).toBe(0);
    expect(timers.pending('export') || timers.pending('encode')).toBe(false);
  });
});
