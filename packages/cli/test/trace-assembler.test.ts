import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CompletionReason, TraceAssembler } from '../src/dev/trace-assembler.js';
import type { ReceivedSpan } from '../src/index.js';
import { fixtureTrace } from './fixture-trace.js';

function spanOf(traceId: string, spanId = '00000000000000aa'): ReceivedSpan {
  return { ...fixtureTrace()[0]!, traceId, spanId };
}

describe('TraceAssembler', () => {
  let completed: { traceId: string; count: number; reason: CompletionReason }[];
  const record = (spans: ReceivedSpan[], reason: CompletionReason) =>
    completed.push({ traceId: spans[0]!.traceId, count: spans.length, reason });

  beforeEach(() => {
    vi.useFakeTimers();
    completed = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('completes a trace once no span of it arrived for quietMs, each new span restarting the wait', () => {
    const assembler = new TraceAssembler({ quietMs: 500, maxTraces: 10, maxSpans: 100 }, record);
    assembler.add([spanOf('t1', '01')]);
    vi.advanceTimersByTime(400);
    assembler.add([spanOf('t1', '02')]);
    vi.advanceTimersByTime(400);
    expect(completed).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(completed).toEqual([{ traceId: 't1', count: 2, reason: 'quiet' }]);
    expect(assembler.openTraces).toBe(0);
  });

  it('keeps at most maxTraces open, completing the oldest early', () => {
    const assembler = new TraceAssembler({ quietMs: 60_000, maxTraces: 3, maxSpans: 1000 }, record);
    for (let i = 0; i < 10; i++) assembler.add([spanOf(`t${i}`)]);
    expect(assembler.openTraces).toBe(3);
    expect(completed.map((c) => c.traceId)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(completed.every((c) => c.reason === 'evicted')).toBe(true);
    assembler.flush();
    expect(completed.slice(7)).toEqual([
      { traceId: 't7', count: 1, reason: 'flush' },
      { traceId: 't8', count: 1, reason: 'flush' },
      { traceId: 't9', count: 1, reason: 'flush' },
    ]);
    expect(assembler.stats()).toEqual({ spans: 10, traces: 10, evicted: 7, peakOpenTraces: 3 });
  });

  it('keeps at most maxSpans open over all traces', () => {
    const assembler = new TraceAssembler({ quietMs: 60_000, maxTraces: 100, maxSpans: 4 }, record);
    assembler.add([spanOf('a', '01'), spanOf('a', '02'), spanOf('a', '03')]);
    assembler.add([spanOf('b', '01'), spanOf('b', '02')]);
    expect(completed).toEqual([{ traceId: 'a', count: 3, reason: 'evicted' }]);
    expect(assembler.openTraces).toBe(1);
  });
});
