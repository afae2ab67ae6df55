import { inspect } from 'node:util';

/** Nanoseconds as a short human duration: `850µs`, `12.3ms`, `1.25s`. */
export function formatDuration(nanos: bigint): string {
  const micros = Number(nanos / 1000n);
  if (micros < 1000) return `${micros}µs`;
  const millis = micros / 1000;
  if (millis < 1000) return `${millis.toFixed(millis < 100 ? 1 : 0)}ms`;
  return `${(millis / 1000).toFixed(2)}s`;
}

/** An attribute value on one line: strings quoted, everything else as Node would inspect it. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY, colors: false, depth: 4 });
}

/** Cuts `text` to `width` characters, marking the cut with an ellipsis, then pads it to `width`. */
export function fit(text: string, width: number): string {
  const cut = text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
  return cut.padEnd(width);
}
