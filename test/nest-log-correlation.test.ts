import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines } from './support/log-lines.js';
import { startNode } from './support/run-node.js';

// A real Nest 12 app logging through nestjs-pino, nest-winston and Nest's ConsoleLogger (JSON and text): each
// line written in a route carries the ids of that route's handler span; Nest's start-up lines carry none.
const app = join(__dirname, 'fixtures', 'logs', 'nest-logs-app.cjs');
const ROUTES = ['pino', 'winston', 'console-json', 'console-text'] as const;
const HANDLERS = ['pinoRoute', 'winstonRoute', 'consoleJsonRoute', 'consoleTextRoute'] as const;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(() => receiver.clear());

async function spansNamed(names: readonly string[]) {
  while (!names.every((name) => receiver.spans.some((span) => span.name === name))) {
    await receiver.waitForSpans(receiver.spans.length + 1);
  }
  return new Map(receiver.spans.map((span) => [span.name, span]));
}

describe.each(['--require', '--import'])('node %s @spanwise/core/register, a Nest 12 app', (flag) => {
  it('nestjs-pino, nest-winston and ConsoleLogger lines carry the handler span ids', async () => {
    const proc = startNode([flag, '@spanwise/core/register', app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    try {
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      for (const route of ROUTES) {
        expect(await (await fetch(`http://127.0.0.1:${port}/${route}`)).text()).toBe('ok');
      }
      const spans = await spansNamed(HANDLERS.map((method) => `LogsController.${method}`));
      await proc.waitForLine(/console-text handling.*\n/);
      const output = proc.stdout();
      const lines = jsonLines(output);
      const ids = (method: string) => {
        const span = spans.get(`LogsController.${method}`)!;
        return { trace_id: span.traceId, span_id: span.spanId, trace_flags: '01' };
      };
      expect(lines.find((line) => line.route === 'pino' && line.msg === 'handling')).toMatchObject(
        ids('pinoRoute'),
      );
      expect(lines.find((line) => line.route === 'winston' && line.message === 'handling')).toMatchObject(
        ids('winstonRoute'),
      );
      expect(lines.find((line) => line.message === 'console-json handling')).toMatchObject(
        ids('consoleJsonRoute'),
      );
      const text = ids('consoleTextRoute');
      expect(output).toContain(
        `console-text handling trace_id=${text.trace_id} span_id=${text.span_id} trace_flags=01`,
      );
      const startUp = lines.filter(
        (line) => line.context === 'NestApplication' || line.context === 'RoutesResolver',
      );
      expect(startUp.length).toBeGreaterThan(0);
      for (const line of startUp) expect(line).not.toHaveProperty('trace_id');
      expect(proc.stderr()).toBe('');
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });
});
