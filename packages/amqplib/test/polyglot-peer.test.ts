import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectReplyToClient, extractContext, tracedConsume, tracedSendToQueue } from '../src/index.js';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker, uniqueQueue } from './helpers/broker.js';
import { isChildOf, setupTracing, spanNamed, type TestTracing, waitFor } from './helpers/tracing.js';

// Debian's python3-pika lives in the system interpreter, not in a pyenv or venv one.
const PYTHON = process.env.SPANWISE_PYTHON ?? '/usr/bin/python3';
const RESPONDER = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'amqp', 'pika_responder.py');
const IN_CI = process.env.CI === 'true';

const brokerProblem = probeBroker();
const pika = spawnSync(PYTHON, ['-c', 'import pika'], { encoding: 'utf8' });
const pikaProblem =
  pika.status === 0 ? undefined : `${PYTHON} cannot import pika: ${pika.stderr || pika.error}`;
const skip = skipWithoutBroker(brokerProblem) || (pikaProblem !== undefined && !IN_CI);

describe.skipIf(skip)('a Python pika responder in the middle of a Node trace', () => {
  let tracing: TestTracing;
  let conn: ChannelModel;
  let python: ChildProcess | undefined;
  let queue: string;

  beforeAll(async () => {
    requireBroker(brokerProblem);
    if (pikaProblem !== undefined) {
      throw new Error(`${pikaProblem}; install Debian's python3-pika (apt-get install -y python3-pika)`);
    }
    tracing = setupTracing();
    conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createChannel();
    queue = uniqueQueue('pika');
    await ch.assertQueue(queue, { autoDelete: false });
    await ch.close();
    python = spawn(PYTHON, [RESPONDER, queue], {
      env: { ...process.env, AMQP_URL },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(python.stdout!, 'data')) as [Buffer];
    expect(line.toString().trim()).toBe('ready');
  });

  afterAll(async () => {
    python?.kill();
    const ch = await conn?.createChannel();
    await ch?.deleteQueue(queue);
    await conn?.close();
    await tracing?.shutdown();
  });

  it('continues the caller trace through the Python reply into the next Node hop', async () => {
    const ch = await conn.createChannel();
    const next = uniqueQueue('after-pika');
    await ch.assertQueue(next, { autoDelete: true });
    const client = new DirectReplyToClient(ch, { timeoutMs: 10_000 });
    const nextHop = new Promise<string | undefined>((resolve) => {
      void tracedConsume(ch, next, (msg) => {
        if (msg === null) return;
        ch.ack(msg);
        resolve(trace.getActiveSpan()?.spanContext().traceId);
      });
    });

    const request = await trace.getTracer('test').startActiveSpan('request', async (span) => {
      const replyMsg = await client.request(queue, Buffer.from('ping'));
      expect(replyMsg.content.toString()).toBe('pong:ping');
      // The reply carries the caller's trace; whatever the caller does with it stays in that trace.
      expect(trace.getSpanContext(extractContext(replyMsg))?.traceId).toBe(span.spanContext().traceId);
      tracedSendToQueue(ch, next, replyMsg.content);
      span.end();
      return span;
    });

    expect(await nextHop).toBe(request.spanContext().traceId);
    await waitFor(() => tracing.spans().length === 4);
    const send = spanNamed(tracing.spans(), `send ${queue}`);
    expect(isChildOf(send, request.spanContext())).toBe(true);
    // The responder copied the CLIENT span's own traceparent back: nothing to link.
    expect(send.links).toEqual([]);
    expect(new Set(tracing.spans().map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(client.pendingCount).toBe(0);
    await ch.close();
  });
});
