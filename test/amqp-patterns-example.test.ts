import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker } from './support/broker.js';
import { runNode } from './support/run-node.js';

const problem = probeBroker();

// The docs/rabbitmq.md example, run as users run it: register hook (stock amqplib instrumentation on), real
// broker, spans over OTLP to spanwise dev.
it.skipIf(skipWithoutBroker(problem))(
  'examples/amqp-patterns prints one clean trace per pattern',
  async () => {
    requireBroker(problem);
    // NO_COLOR: spanwise dev colours its output under CI=true (picocolors), and the assertions read plain text.
    const result = await runNode([join(__dirname, '..', 'examples', 'amqp-patterns', 'run.mjs')], {
      AMQP_URL,
      NO_COLOR: '1',
    });
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toContain('rpc answered "pong ping"');
    expect(out.match(/^trace /gm)).toHaveLength(4);
    // Exactly one PRODUCER and one CONSUMER span per message, although the stock instrumentation is active.
    expect(out.match(/^trace [0-9a-f]{32} · 3 spans/gm)).toHaveLength(3);
    expect(out).toMatch(/^trace [0-9a-f]{32} · 4 spans/m);
    expect(out.match(/\(producer\)/g)).toHaveLength(4);
    expect(out.match(/\(consumer\)/g)).toHaveLength(4);
    expect(out).toMatch(/└─ send amqp-patterns\.rpc \(client\)/);
    expect(out).toMatch(/└─ publish \(temporary\) \(producer\)/);
  },
);
