import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanwiseProcess } from './dev-process.js';
import { encodeProtobuf, JSON_TYPE, oneSpanJson, PROTOBUF, post } from './otlp-client.js';

const TRACE = Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex');

/** A two-service trace as protobuf, built with the official schema. */
function twoServiceTrace(): Buffer {
  const span = (id: string, parent: string, name: string, startMs: number, endMs: number, extra = {}) => ({
    traceId: TRACE,
    spanId: Buffer.from(id, 'hex'),
    parentSpanId: Buffer.from(parent, 'hex'),
    name,
    kind: 1,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(startMs * 1_000_000)),
    endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(endMs * 1_000_000)),
    ...extra,
  });
  const service = (name: string) => ({ attributes: [{ key: 'service.name', value: { stringValue: name } }] });
  return encodeProtobuf({
    resourceSpans: [
      {
        resource: service('checkout'),
        scopeSpans: [
          {
            scope: { name: 't' },
            spans: [span('00000000000000a1', '', 'POST /checkout', 0, 120, { kind: 2 })],
          },
        ],
      },
      {
        resource: service('billing'),
        scopeSpans: [
          {
            scope: { name: 't' },
            spans: [
              span('00000000000000a2', '00000000000000a1', 'charge card', 20, 100, {
                status: { code: 2, message: 'insufficient funds' },
                attributes: [{ key: 'payment.amount', value: { intValue: '1250' } }],
              }),
            ],
          },
        ],
      },
    ],
  });
}

describe('spanwise dev (child process)', () => {
  const running: SpanwiseProcess[] = [];
  const start = (args: string[]) => {
    const dev = new SpanwiseProcess(['dev', '--port', '0', ...args]);
    running.push(dev);
    return dev;
  };
  afterEach(async () => {
    for (const dev of running.splice(0)) {
      dev.kill('SIGKILL');
      await dev.exited;
    }
  });

  it('prints a waterfall for a trace posted as protobuf, keeps running on garbage, exits 0 on SIGINT', async () => {
    const dev = start(['--quiet-ms', '100', '--attributes']);
    const url = await dev.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect((await post(`${url}/v1/traces`, 'definitely not protobuf', PROTOBUF)).status).toBe(400);
    expect((await post(`${url}/v1/traces`, '{"resourceSpans":', JSON_TYPE)).status).toBe(400);

    expect((await post(`${url}/v1/traces`, twoServiceTrace(), PROTOBUF)).status).toBe(200);
    const stdout = await dev.waitForStdout((text) => text.includes('charge card'));
    // Lines 2 and 3 are the environment to start the app with (dev-session.test.ts checks them).
    const waterfall = stdout.split('\n').slice(3, 7);
    expect(waterfall[0]).toBe('trace 4bf92f3577b34da6a3ce929d0e0e4736 · 2 spans · 120ms · 1 error');
    expect(waterfall[1]).toMatch(/^checkout {2}POST \/checkout \(server\) +120ms │█{40}│$/);
    expect(waterfall[2]).toMatch(/^billing {3}└─ charge card +80\.0ms │ +█+ +│ ERROR insufficient funds$/);
    expect(waterfall[3]).toMatch(/^ +payment\.amount=1250$/);
    expect(stdout).not.toContain('\u001b[');

    dev.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.stdout).toContain('spanwise dev stopped (SIGINT): 2 spans in 1 trace');
  });

  it('prints traces still open on SIGTERM, applies filters, and writes --out as OTLP/JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanwise-dev-'));
    try {
      const out = join(dir, 'spans.jsonl');
      const dev = start(['--quiet-ms', '600000', '--errors-only', '--out', out]);
      const url = await dev.url();
      expect((await post(`${url}/v1/traces`, twoServiceTrace(), PROTOBUF)).status).toBe(200);
      expect((await post(`${url}/v1/traces`, JSON.stringify(oneSpanJson('healthy')), JSON_TYPE)).status).toBe(
        200,
      );
      dev.kill('SIGTERM');
      expect(await dev.exited).toBe(0);
      // Quiet for ten minutes: only the shutdown flush can have printed it.
      expect(dev.stdout).toContain('POST /checkout');
      // --errors-only hides the trace without an ERROR span.
      expect(dev.stdout).not.toContain('healthy');
      const lines = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(2);
      const span = lines[0].resourceSpans[1].scopeSpans[0].spans[0];
      expect(span).toMatchObject({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00000000000000a2',
        parentSpanId: '00000000000000a1',
        name: 'charge card',
        status: { code: 2, message: 'insufficient funds' },
        attributes: [{ key: 'payment.amount', value: { intValue: '1250' } }],
      });
      expect(lines[1].resourceSpans[0].scopeSpans[0].spans[0].name).toBe('healthy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps at most --max-traces open under a flood of traces', async () => {
    const dev = start(['--quiet-ms', '600000', '--max-traces', '5']);
    const url = await dev.url();
    for (let i = 0; i < 60; i++) {
      const spanId = (i + 1).toString(16).padStart(16, '0');
      const json = oneSpanJson(`flood-${i}`, spanId);
      const span = (json as { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] })
        .resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      span.traceId = (i + 1).toString(16).padStart(32, '0');
      expect((await post(`${url}/v1/traces`, JSON.stringify(json), JSON_TYPE)).status).toBe(200);
    }
    // 55 were printed early to stay within 5 open traces, before any shutdown.
    await dev.waitForStdout((text) => text.includes('flood-54'));
    expect(dev.stdout).not.toContain('flood-55');
    dev.kill('SIGINT');
    expect(await dev.exited).toBe(0);
    expect(dev.stdout).toContain(
      '60 spans in 60 traces; 55 printed early at the limits; at most 5 traces open at once',
    );
    expect(dev.stdout.match(/^trace /gm)).toHaveLength(60);
  });

  it('exits 2 with a clear message on an unknown flag, and 0 on --help', async () => {
    const bad = new SpanwiseProcess(['dev', '--colour']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr).toBe("spanwise: Unknown option '--colour'\nRun 'spanwise --help' for usage.\n");
    const help = new SpanwiseProcess(['dev', '--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout).toContain('--max-traces N');
    const unknown = new SpanwiseProcess(['serve']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr).toContain("spanwise: unknown command 'serve'");
  });

  it('prints the version of the installed package on --version and -v', async () => {
    const { version } = require('../package.json') as { version: string };
    for (const flag of ['--version', '-v']) {
      const proc = new SpanwiseProcess([flag]);
      expect(await proc.exited).toBe(0);
      expect(proc.stdout).toBe(`${version}\n`);
    }
  });
});
