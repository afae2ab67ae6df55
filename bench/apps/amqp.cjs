'use strict';
// Scenario 5 child: one AMQP workload against the real broker, in one set-up, as one JSON line.
//   BENCH_AMQP_SETUP: raw | stock | spanwise   (stock is preloaded with ./otel-sdk.cjs, spanwise with
//                                               @spanwise/core/register)
//   BENCH_AMQP_WORKLOAD: pubsub | rpc
// pubsub: publish N messages to a queue and consume (ack) them all, timed from the first publish to the last
// ack. rpc: N sequential request/reply round trips over direct reply-to. Both run N/10 unmeasured first.
const { randomUUID } = require('node:crypto');
const amqp = require('amqplib');

const setup = process.env.BENCH_AMQP_SETUP || 'raw';
const workload = process.env.BENCH_AMQP_WORKLOAD || 'pubsub';
const url = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const n = Number(process.env.BENCH_AMQP_N || 5000);
const body = Buffer.from(JSON.stringify({ order: 42, items: ['a', 'b', 'c'] }));

const spanwise = setup === 'spanwise' ? require('@spanwise/amqplib') : null;

/** Publishing and consuming, raw or through Spanwise's helpers; the stock set-up patches the raw calls. */
const io = spanwise
  ? {
      send: (ch, q, content, opts) => spanwise.tracedSendToQueue(ch, q, content, opts),
      consume: (ch, q, handler, opts) => spanwise.tracedConsume(ch, q, handler, { consume: opts }),
      reply: (ch, msg, content) => spanwise.reply(ch, msg, content),
    }
  : {
      send: (ch, q, content, opts) => ch.sendToQueue(q, content, opts),
      consume: (ch, q, handler, opts) => ch.consume(q, handler, opts),
      reply: (ch, msg, content) =>
        ch.sendToQueue(msg.properties.replyTo, content, { correlationId: msg.properties.correlationId }),
    };

async function pubsub(conn) {
  const ch = await conn.createChannel();
  await ch.prefetch(200);
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  let consumed = 0;
  let target = 0;
  let done = () => {};
  await io.consume(ch, queue, (msg) => {
    ch.ack(msg);
    if (++consumed === target) done();
  });
  const pub = await conn.createChannel();
  const batch = async (count) => {
    target += count;
    const finished = new Promise((resolve) => {
      done = resolve;
    });
    for (let i = 0; i < count; i++) {
      if (!io.send(pub, queue, body, { contentType: 'application/json' })) {
        await new Promise((resolve) => pub.once('drain', resolve));
      }
    }
    await finished;
  };
  await batch(Math.ceil(n / 10));
  const started = process.hrtime.bigint();
  await batch(n);
  const elapsedNs = Number(process.hrtime.bigint() - started);
  return { messages: n + Math.ceil(n / 10), elapsedNs };
}

async function rpc(conn) {
  const server = await conn.createChannel();
  const { queue } = await server.assertQueue('', { exclusive: true, autoDelete: true });
  await io.consume(server, queue, (msg) => {
    io.reply(server, msg, body);
    server.ack(msg);
  });
  const client = await conn.createChannel();
  let request;
  if (spanwise) {
    const drt = new spanwise.DirectReplyToClient(client);
    request = () => drt.request(queue, body);
  } else {
    const pending = new Map();
    await client.consume(
      'amq.rabbitmq.reply-to',
      (msg) => {
        const resolve = pending.get(msg.properties.correlationId);
        pending.delete(msg.properties.correlationId);
        resolve?.(msg);
      },
      { noAck: true },
    );
    request = () =>
      new Promise((resolve) => {
        const correlationId = randomUUID();
        pending.set(correlationId, resolve);
        client.sendToQueue(queue, body, { replyTo: 'amq.rabbitmq.reply-to', correlationId });
      });
  }
  const run = async (count) => {
    for (let i = 0; i < count; i++) await request();
  };
  await run(Math.ceil(n / 10));
  const started = process.hrtime.bigint();
  await run(n);
  const elapsedNs = Number(process.hrtime.bigint() - started);
  return { messages: n + Math.ceil(n / 10), elapsedNs };
}

/** Flush and counters of whichever tracer the set-up started (none for raw). */
function tracing() {
  if (spanwise) {
    const core = require('@spanwise/core');
    return {
      flush: () => core.getTracing()?.forceFlush(),
      counts: () => {
        const s = core.getTracing()?.stats();
        if (!s) return { ended: null, dropped: null };
        const d = s.droppedSpans;
        const dropped = d.queueFull + d.exportFailed + d.shutdown;
        return { ended: s.exportedSpans + dropped + s.queuedSpans, dropped };
      },
    };
  }
  return (
    globalThis[Symbol.for('spanwise.bench.tracing')] ?? {
      flush: async () => {},
      counts: () => ({ ended: 0, dropped: 0 }),
    }
  );
}

async function main() {
  // Without noDelay, Nagle's algorithm and delayed ACKs add ~40 ms to every sequential round trip.
  const conn = await amqp.connect(url, { noDelay: true });
  const result = workload === 'rpc' ? await rpc(conn) : await pubsub(conn);
  // A failed flush loses spans; the harness sees that in the receiver's count, so it is reported, not fatal.
  const t = tracing();
  const flushError = await Promise.resolve(t.flush()).then(
    () => null,
    (err) => String(err?.message ?? err),
  );
  await conn.close();
  const out = {
    setup,
    workload,
    n,
    ...result,
    usPerOp: result.elapsedNs / n / 1e3,
    flushError,
    ...t.counts(),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
