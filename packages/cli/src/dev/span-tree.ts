import type { ReceivedSpan } from '../receiver/received-span.js';

/** A span placed in its trace: its depth and the tree-drawing prefix for its name. */
export interface TreeRow {
  span: ReceivedSpan;
  prefix: string;
}

/**
 * Orders a trace's spans depth first, children by start time. Spans whose parent never arrived are
 * drawn as roots, so a partial trace still shows everything it has.
 */
export function spanTree(spans: readonly ReceivedSpan[]): TreeRow[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId === '' || !ids.has(span.parentSpanId) || span.parentSpanId === span.spanId) {
      roots.push(span);
      continue;
    }
    const siblings = children.get(span.parentSpanId);
    if (siblings === undefined) children.set(span.parentSpanId, [span]);
    else siblings.push(span);
  }
  const rows: TreeRow[] = [];
  const placed = new Set<ReceivedSpan>();
  const visit = (span: ReceivedSpan, prefix: string, continuation: string): void => {
    placed.add(span);
    rows.push({ span, prefix });
    const kids = byStart(children.get(span.spanId) ?? []).filter((kid) => !placed.has(kid));
    kids.forEach((kid, index) => {
      const last = index === kids.length - 1;
      visit(kid, `${continuation}${last ? '└─ ' : '├─ '}`, `${continuation}${last ? '   ' : '│  '}`);
    });
  };
  for (const root of byStart(roots)) visit(root, '', '');
  // Spans caught in a parent cycle are reachable from no root; still show them.
  for (const span of byStart(spans)) if (!placed.has(span)) visit(span, '', '');
  return rows;
}

function byStart(spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  return [...spans].sort((a, b) =>
    a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0,
  );
}
