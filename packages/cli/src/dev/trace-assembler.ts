import type { ReceivedSpan } from '../receiver/received-span.js';

/** Why a trace was handed on. */
export type CompletionReason = 'quiet' | 'evicted' | 'flush';

/** Limits of {@link TraceAssembler}. */
export interface AssemblerOptions {
  /** A trace is complete once no span of it arrived for this long. */
  quietMs: number;
  /** Most traces held open at once; past it the oldest is completed early. */
  maxTraces: number;
  /** Most spans held open at once, over all traces; past it the oldest traces are completed early. */
  maxSpans: number;
}

/** What the assembler has done, for the closing summary. */
export interface AssemblerStats {
  spans: number;
  traces: number;
  evicted: number;
  /** The most traces held open at any moment: never above `maxTraces`. */
  peakOpenTraces: number;
}

interface OpenTrace {
  spans: ReceivedSpan[];
  timer: NodeJS.Timeout;
}

/**
 * Groups spans by trace id and hands each trace on once it goes quiet. Memory is bounded: when
 * the open traces or their spans pass the limits, the oldest traces are handed on early.
 */
export class TraceAssembler {
  /** Insertion order is age order: the first entry is the oldest open trace. */
  private readonly open = new Map<string, OpenTrace>();
  private openSpans = 0;
  private readonly counts: AssemblerStats = { spans: 0, traces: 0, evicted: 0, peakOpenTraces: 0 };

  constructor(
    private readonly options: AssemblerOptions,
    private readonly onComplete: (spans: ReceivedSpan[], reason: CompletionReason) => void,
  ) {}

  /** Number of traces open right now. */
  get openTraces(): number {
    return this.open.size;
  }

  stats(): AssemblerStats {
    return { ...this.counts };
  }

  add(spans: readonly ReceivedSpan[]): void {
    for (const span of spans) {
      this.counts.spans += 1;
      let trace = this.open.get(span.traceId);
      if (trace === undefined) {
        if (this.open.size >= this.options.maxTraces) this.completeOldest();
        const traceId = span.traceId;
        trace = { spans: [], timer: setTimeout(() => this.complete(traceId, 'quiet'), this.options.quietMs) };
        trace.timer.unref();
        this.open.set(traceId, trace);
        this.counts.traces += 1;
        this.counts.peakOpenTraces = Math.max(this.counts.peakOpenTraces, this.open.size);
      } else {
        trace.timer.refresh();
      }
      trace.spans.push(span);
      this.openSpans += 1;
      while (this.openSpans > this.options.maxSpans) this.completeOldest();
    }
  }

  /** Hands on every open trace now, oldest first (on shutdown). */
  flush(): void {
    for (const traceId of [...this.open.keys()]) this.complete(traceId, 'flush');
  }

  private completeOldest(): void {
    const oldest = this.open.keys().next();
    if (oldest.done !== true) {
      this.counts.evicted += 1;
      this.complete(oldest.value, 'evicted');
    }
  }

  private complete(traceId: string, reason: CompletionReason): void {
    const trace = this.open.get(traceId);
    if (trace === undefined) return;
    clearTimeout(trace.timer);
    this.open.delete(traceId);
    this.openSpans -= trace.spans.length;
    this.onComplete(trace.spans, reason);
  }
}
