import type { Colors } from 'picocolors/types.js';
import type { ReceivedSpan } from '../receiver/received-span.js';
import { fit, formatDuration, formatValue } from './format.js';
import { spanTree } from './span-tree.js';

/** How {@link renderTrace} draws. */
export interface RenderOptions {
  /** Colour functions; `createColors(false)` gives plain text. */
  colors: Colors;
  /** Print each span's attributes and events under it. */
  attributes: boolean;
  /** Characters of the timing bar. Default 40. */
  barWidth?: number;
}

const STATUS_ERROR = 2;
const KIND_NAMES = ['', '', 'server', 'client', 'producer', 'consumer'];
const MAX_SERVICE_WIDTH = 20;
const MAX_NAME_WIDTH = 56;

/** The service a span came from: its resource's `service.name`. */
export function serviceOf(span: ReceivedSpan): string {
  const name = span.resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : 'unknown_service';
}

/** True when the span's status is ERROR. */
export function isError(span: ReceivedSpan): boolean {
  return span.status.code === STATUS_ERROR;
}

/** The trace's extent: its earliest start and latest end, in Unix nanoseconds. */
export function traceBounds(spans: readonly ReceivedSpan[]): { start: bigint; end: bigint } {
  let start = spans[0]?.startTimeUnixNano ?? 0n;
  let end = spans[0]?.endTimeUnixNano ?? 0n;
  for (const span of spans) {
    if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  return { start, end };
}

/**
 * Draws one trace as a waterfall: a header, then one line per span (depth first, indented under its
 * parent) with service, name, duration and a bar placed on the trace's timeline. Pure: the same
 * spans and options always give the same lines.
 */
export function renderTrace(spans: readonly ReceivedSpan[], options: RenderOptions): string[] {
  const c = options.colors;
  const barWidth = options.barWidth ?? 40;
  const rows = spanTree(spans);
  const { start, end } = traceBounds(spans);
  const total = end > start ? end - start : 1n;
  const errors = spans.filter(isError).length;
  const traceId = spans[0]?.traceId ?? '';
  const header = [
    `trace ${traceId}`,
    `${spans.length} span${spans.length === 1 ? '' : 's'}`,
    formatDuration(end - start),
    ...(errors > 0 ? [c.red(`${errors} error${errors === 1 ? '' : 's'}`)] : []),
  ].join(' · ');
  const serviceWidth = Math.min(
    MAX_SERVICE_WIDTH,
    Math.max(...rows.map((row) => serviceOf(row.span).length)),
  );
  const nameWidth = Math.min(
    MAX_NAME_WIDTH,
    Math.max(...rows.map((row) => row.prefix.length + label(row.span).length)),
  );
  const lines = [c.bold(header)];
  for (const { span, prefix } of rows) {
    const error = isError(span);
    const paint = error ? c.red : (text: string) => text;
    const duration = formatDuration(span.endTimeUnixNano - span.startTimeUnixNano).padStart(8);
    const name = fit(`${prefix}${label(span)}`, nameWidth);
    const bar = timingBar(span, start, total, barWidth);
    const status = error
      ? ` ${c.bold(c.red(`ERROR${span.status.message === '' ? '' : ` ${span.status.message}`}`))}`
      : '';
    lines.push(
      `${c.cyan(fit(serviceOf(span), serviceWidth))}  ${paint(name)}  ${duration} ${c.dim('│')}${paint(bar)}${c.dim('│')}${status}`,
    );
    if (options.attributes)
      lines.push(...details(span, start, ' '.repeat(serviceWidth + 2 + prefix.length + 3), c));
  }
  return lines;
}

function label(span: ReceivedSpan): string {
  const kind = KIND_NAMES[span.kind] ?? '';
  return kind === '' ? span.name : `${span.name} (${kind})`;
}

/** The span's slice of the trace's timeline: at least one cell, so instant spans still show. */
function timingBar(span: ReceivedSpan, traceStart: bigint, total: bigint, width: number): string {
  const cells = BigInt(width);
  const offset = Number(((span.startTimeUnixNano - traceStart) * cells) / total);
  const from = Math.min(width - 1, Math.max(0, offset));
  const length = Number(((span.endTimeUnixNano - span.startTimeUnixNano) * cells + total / 2n) / total);
  const filled = Math.min(width - from, Math.max(1, length));
  return `${' '.repeat(from)}${'█'.repeat(filled)}${' '.repeat(width - from - filled)}`;
}

function details(span: ReceivedSpan, traceStart: bigint, indent: string, c: Colors): string[] {
  const lines = Object.entries(span.attributes).map(
    ([key, value]) => `${indent}${c.dim(`${key}=`)}${formatValue(value)}`,
  );
  for (const event of span.events) {
    const attributes = Object.entries(event.attributes)
      .map(([key, value]) => ` ${key}=${formatValue(value)}`)
      .join('');
    const at = formatDuration(event.timeUnixNano - traceStart);
    lines.push(`${indent}${c.yellow(`event ${event.name}`)} ${c.dim(`@ +${at}`)}${attributes}`);
  }
  return lines;
}
