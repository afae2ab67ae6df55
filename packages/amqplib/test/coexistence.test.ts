import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AMQP_URL, probeBroker, requireBroker, skipWithoutBroker } from './helpers/broker.js';

const exec = promisify(execFile);
const problem = probeBroker();
const packageDir = join(__dirname, '..');

interface Scenario {
  kinds: string[];
  shapes: string[];
  names: string[];
  producerSpanIds: string[];
  headersUntouched?: boolean;
  busHeaderKept?: boolean;
  handlerInTrace?: boolean;
  producerSpanId?: string;
  pending?: number;
}

/** Runs one configuration of the matrix in its own process (the stock instrumentation patches on require). */
async function runConfiguration(
  mode: 'stock' | 'plain',
  amqplibModule: string,
): Promise<Record<string, Scenario> & { elsewhere: string[]; amqplibVersion: string }> {
  const { stdout } = await exec(
    process.execPath,
    [
      '--import',
      './test/fixtures/ts-resolve.mjs',
      '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
      'test/fixtures/coexistence.cjs',
      mode,
    ],
    { cwd: packageDir, env: { ...process.env, AMQP_URL, AMQPLIB_MODULE: amqplibModule }, timeout: 60_000 },
  );
  return JSON.parse(stdout);
}

describe.skipIf(skipWithoutBroker(problem))('with and without @opentelemetry/instrumentation-amqplib', () => {
  it.each([
    ['stock', 'amqplib'],
    ['plain', 'amqplib'],
    ['plain', 'amqplib-0.10'],
  ] as const)(
    '%s, %s: exactly one PRODUCER and one CONSUMER span per message',
    async (mode, amqplibModule) => {
      requireBroker(problem);
      const result = await runConfiguration(mode, amqplibModule);
      expect(result.amqplibVersion).toMatch(amqplibModule === 'amqplib' ? /^2\./ : /^0\.10\./);

      // The control proves the configuration: plain amqplib calls are traced only by the stock instrumentation.
      expect(result.control?.kinds).toEqual(mode === 'stock' ? ['CONSUMER', 'PRODUCER'] : []);

      expect(result.publish?.kinds).toEqual(['CONSUMER', 'PRODUCER']);
      expect(result.publish?.headersUntouched).toBe(true);

      expect(result.wrapper?.kinds).toEqual(['CONSUMER', 'PRODUCER']);
      // The message carries Spanwise's PRODUCER span, not one the wrapper or the stock instrumentation made up.
      expect(result.wrapper?.producerSpanIds).toEqual([result.wrapper?.producerSpanId]);
      expect(result.wrapper?.busHeaderKept).toBe(true);
      expect(result.wrapper?.handlerInTrace).toBe(true);
      expect(result.wrapper?.headersUntouched).toBe(true);

      // Direct reply-to: the caller's CLIENT span, the responder's CONSUMER and its reply PRODUCER; the reply
      // itself gets no consumer span of its own.
      expect(result.rpc?.kinds).toEqual(['CLIENT', 'CONSUMER', 'PRODUCER']);
      expect(result.rpc?.names).toContain('publish (temporary)');
      expect(result.rpc?.pending).toBe(0);

      expect(result.acm?.kinds).toEqual(['CONSUMER', 'PRODUCER']);
      expect(result.elsewhere).toEqual([]);
    },
  );

  it('an instrumentClient consumer span has one name and one attribute set, stock instrumentation on or off', async () => {
    requireBroker(problem);
    const [stock, plain] = await Promise.all([
      runConfiguration('stock', 'amqplib'),
      runConfiguration('plain', 'amqplib'),
    ]);
    const consumer = (r: Scenario | undefined) => r?.shapes.filter((s) => s.startsWith('CONSUMER'));
    expect(consumer(stock.wrapper)).toEqual(consumer(plain.wrapper));
    expect(consumer(plain.wrapper)).toEqual([
      'CONSUMER process <queue>: ' +
        [
          'messaging.destination.name',
          'messaging.destination.subscription.name',
          'messaging.operation.name',
          'messaging.operation.type',
          'messaging.rabbitmq.destination.routing_key',
          'messaging.rabbitmq.message.delivery_tag',
          'messaging.system',
          'server.address',
          'server.port',
        ].join(','),
    ]);
    // PRODUCER spans from instrumentClient (an in-house bus, amqp-connection-manager's ChannelWrapper) name
    // the broker they were sent to.
    for (const result of [stock, plain]) {
      for (const scenario of [result.wrapper, result.acm]) {
        const producer = scenario?.shapes.find((s) => s.startsWith('PRODUCER'));
        expect(producer).toContain('server.address,server.port');
      }
    }
  });
});
