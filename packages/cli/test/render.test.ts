import picocolors from 'picocolors';
import { describe, expect, it } from 'vitest';
import { renderTrace } from '../src/dev/render.js';
import { fixtureTrace } from './fixture-trace.js';

const plain = picocolors.createColors(false);
const colored = picocolors.createColors(true);

describe('renderTrace', () => {
  it('draws a fixed trace as an indented waterfall', () => {
    expect(
      renderTrace(fixtureTrace(), { colors: plain, attributes: false }).join('\n'),
    ).toMatchInlineSnapshot(`
      "trace 0af7651916cd43dd8448eb211c80319c · 5 spans · 250ms · 1 error
      orders    GET /orders/:id (server)                     250ms │████████████████████████████████████████│
      orders    └─ OrdersController.find                     235ms │██████████████████████████████████████  │
      orders       ├─ pg.query SELECT (client)              50.0ms │ ████████                               │
      orders       └─ publish orders.found (producer)        5.0ms │           █                            │
      payments        └─ process orders.found (consumer)     151ms │            ████████████████████████    │ ERROR card declined"
    `);
  });

  it('adds attributes and events under each span with --attributes', () => {
    expect(
      renderTrace(fixtureTrace(), { colors: plain, attributes: true, barWidth: 10 }).join('\n'),
    ).toMatchInlineSnapshot(`
        "trace 0af7651916cd43dd8448eb211c80319c · 5 spans · 250ms · 1 error
        orders    GET /orders/:id (server)                     250ms │██████████│
                     http.route="/orders/:id"
                     http.response.status_code=200
        orders    └─ OrdersController.find                     235ms │█████████ │
        orders       ├─ pg.query SELECT (client)              50.0ms │██        │
        orders       └─ publish orders.found (producer)        5.0ms │  █       │
        payments        └─ process orders.found (consumer)     151ms │   ██████ │ ERROR card declined
                              event exception @ +229ms exception.type="Declined""
      `);
  });

  it('highlights ERROR spans in red when colours are on, and only them', () => {
    const lines = renderTrace(fixtureTrace(), { colors: colored, attributes: false });
    const errorLines = lines.filter((line) => line.includes('process orders.found'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain(colored.red('      └─ process orders.found (consumer)'));
    expect(errorLines[0]).toContain(colored.bold(colored.red('ERROR card declined')));
    expect(lines.filter((line) => line.includes('\u001b[31m'))).toHaveLength(2);
  });

  it('draws spans whose parent is missing, or caught in a cycle, as roots', () => {
    const [a, b, ...rest] = fixtureTrace();
    const orphan = { ...a!, parentSpanId: 'ffffffffffffffff' };
    const cycleA = { ...b!, spanId: '1111111111111111', parentSpanId: '2222222222222222', name: 'cycle-a' };
    const cycleB = { ...b!, spanId: '2222222222222222', parentSpanId: '1111111111111111', name: 'cycle-b' };
    const lines = renderTrace([orphan, cycleA, cycleB, ...rest], { colors: plain, attributes: false });
    // The header, then each of the six spans exactly once.
    expect(lines).toHaveLength(7);
    expect(lines.find((line) => line.includes('publish orders.found'))).toMatch(
      /^orders +publish orders.found/,
    );
    expect(lines.filter((line) => line.includes('cycle-a'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('cycle-b'))).toHaveLength(1);
  });
});
