import type { ReceivedSpan } from '../src/index.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const BASE = 1_700_000_000_000_000_000n;
const orders = { 'service.name': 'orders' };
const payments = { 'service.name': 'payments' };
const scope = { name: 'test', version: '' };

function span(
  spanId: string,
  parentSpanId: string,
  name: string,
  startMs: number,
  endMs: number,
  extra: Partial<ReceivedSpan> = {},
): ReceivedSpan {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId,
    traceState: '',
    name,
    kind: 1,
    startTimeUnixNano: BASE + BigInt(startMs * 1_000_000),
    endTimeUnixNano: BASE + BigInt(endMs * 1_000_000),
    attributes: {},
    status: { code: 0, message: '' },
    events: [],
    links: [],
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: orders,
    scope,
    ...extra,
  };
}

/** A fixed five-span trace across two services, with one ERROR span; listed out of order on purpose. */
export function fixtureTrace(): ReceivedSpan[] {
  return [
    span('00000000000000b9', '00000000000000b7', 'publish orders.found', 70, 75, { kind: 4 }),
    span('00000000000000b7', 'b7ad6b7169203331', 'OrdersController.find', 5, 240),
    span('b7ad6b7169203331', '', 'GET /orders/:id', 0, 250, {
      kind: 2,
      attributes: { 'http.route': '/orders/:id', 'http.response.status_code': 200 },
    }),
    span('00000000000000b8', '00000000000000b7', 'pg.query SELECT', 10, 60, { kind: 3 }),
    span('00000000000000ba', '00000000000000b9', 'process orders.found', 80, 230.5, {
      kind: 5,
      resource: payments,
      status: { code: 2, message: 'card declined' },
      events: [
        {
          name: 'exception',
          timeUnixNano: BASE + 229_000_000n,
          attributes: { 'exception.type': 'Declined' },
        },
      ],
    }),
  ];
}
