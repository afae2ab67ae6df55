// Runs each pattern of docs/rabbitmq.md once, each inside its own `request <pattern>` span, then flushes and
// exits. Start it with `node --require @spanwise/core/register patterns.cjs`; the stock amqplib
// instrumentation that the register hook enables stays active, and every message still gets exactly one
// PRODUCER and one CONSUMER span.
const { trace } = require('@opentelemetry/api');
const { getTracing } = require('@spanwise/core');
const amqp = require('amqplib');
const acm = require('amqp-connection-manager');
const {
  DirectReplyToClient,
  instrumentClient,
  reply,
  runUntraced,
  tracedConsume,
  tracedSendToQueue,
} = require('@spanwise/amqplib');

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const tracer = trace.getTracer('amqp-patterns');

function request(name, fn) {
  return tracer.startActiveSpan(`request ${name}`, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

/** Resolves with the next message a traced consumer handles on `queue`. */
function nextMessage(channel, queue) {
  return new Promise((resolve) => {
    tracedConsume(channel, queue, (msg) => {
      if (msg === null) return;
      channel.ack(msg);
      resolve(msg);
    });
  });
}

/** An in-house wrapper, as teams write them. */
class OrdersBus {
  constructor(channel) {
    this.channel = channel;
  }
  send(queue, order, options = {}) {
    return this.channel.sendToQueue(queue, Buffer.from(JSON.stringify(order)), options);
  }
}

async function main() {
  const conn = await amqp.connect(AMQP_URL);
  const channel = await conn.createChannel();
  const queue = async (name) =>
    (await channel.assertQueue(`amqp-patterns.${name}`, { autoDelete: true })).queue;

  // 1. Plain: publish and consume with the helpers.
  const plain = await queue('plain');
  const plainDone = nextMessage(channel, plain);
  await request('plain', async () => {
    tracedSendToQueue(channel, plain, Buffer.from('hello'));
    await plainDone;
  });

  // 2. An in-house wrapper, instrumented by method name.
  const orders = await queue('orders');
  const ordersDone = nextMessage(channel, orders);
  const bus = instrumentClient(new OrdersBus(channel), {
    send: { kind: 'publish', describe: (q) => ({ routingKey: q }), optionsIndex: 2 },
  });
  await request('wrapper', async () => {
    bus.send(orders, { id: 42 });
    await ordersDone;
  });

  // 3. A deferred sender: amqp-connection-manager, sending before it is connected.
  const deferred = await queue('deferred');
  const deferredDone = nextMessage(channel, deferred);
  const manager = runUntraced(() => acm.connect([AMQP_URL]));
  const wrapper = instrumentClient(manager.createChannel({ confirm: true }), {
    sendToQueue: { kind: 'publish', describe: (q) => ({ routingKey: q }), optionsIndex: 2 },
  });
  await request('deferred', async () => {
    await wrapper.sendToQueue(deferred, Buffer.from('queued before connect'));
    await deferredDone;
  });
  await manager.close();

  // 4. Direct reply-to RPC.
  const rpc = await queue('rpc');
  const responder = await conn.createChannel();
  await tracedConsume(responder, rpc, (msg) => {
    if (msg === null) return;
    reply(responder, msg, Buffer.from(`pong ${msg.content}`));
    responder.ack(msg);
  });
  const client = new DirectReplyToClient(channel, { timeoutMs: 5000 });
  const answer = await request('direct reply-to', () => client.request(rpc, Buffer.from('ping')));
  console.log(`rpc answered "${answer.content}"`);

  await conn.close();
  await getTracing()?.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
