import type { EncodedEntry } from './encoded-entry.js';

/**
 * FIFO of encoded entries with running span and byte totals. A linked list, so that adding, taking from the
 * front and putting a failed batch back in front are all O(1) per entry and allocate nothing.
 */
export class SpanQueue {
  /** Spans queued. */
  spans = 0;
  /** Cost of the entries queued: encoded bytes plus per-entry overhead. */
  bytes = 0;
  private head: EncodedEntry | undefined;
  private tail: EncodedEntry | undefined;

  push(entry: EncodedEntry): void {
    entry.next = undefined;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    this.spans += entry.spans;
    this.bytes += entry.cost;
  }

  /** Removes and returns the oldest entry. */
  shift(): EncodedEntry | undefined {
    const entry = this.head;
    if (!entry) return undefined;
    this.head = entry.next;
    if (!this.head) this.tail = undefined;
    entry.next = undefined;
    this.spans -= entry.spans;
    this.bytes -= entry.cost;
    return entry;
  }

  /** Puts entries back in front, in their order: a batch that could not be delivered goes out first. */
  unshiftAll(entries: readonly EncodedEntry[]): void {
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      entry.next = this.head;
      this.head = entry;
      if (!this.tail) this.tail = entry;
      this.spans += entry.spans;
      this.bytes += entry.cost;
    }
  }

  /** Takes entries from the front up to the limits, and always at least one entry when not empty. */
  take(maxSpans: number, maxBytes: number): EncodedEntry[] {
    const batch: EncodedEntry[] = [];
    let spans = 0;
    let bytes = 0;
    while (this.head) {
      const next = this.head;
      if (batch.length > 0 && (spans + next.spans > maxSpans || bytes + next.cost > maxBytes)) break;
      spans += next.spans;
      bytes += next.cost;
      batch.push(this.shift()!);
    }
    return batch;
  }

  /** Empties the queue and returns how many spans it held. */
  clear(): number {
    const spans = this.spans;
    this.head = undefined;
    this.tail = undefined;
    this.spans = 0;
    this.bytes = 0;
    return spans;
  }
}
