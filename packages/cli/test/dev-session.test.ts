import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DEV_DEFAULTS, type DevOptions } from '../src/cli/dev-options.js';
import { type DevSession, startDev } from '../src/dev/dev-session.js';
import { startReceiver } from '../src/index.js';
import { JSON_TYPE, oneSpanJson, post } from './otlp-client.js';

function options(extra: Partial<DevOptions> = {}): DevOptions {
  return {
    ...DEV_DEFAULTS,
    port: 0,
    attributes: false,
    errorsOnly: false,
    help: false,
    color: false,
    ...extra,
  };
}

/** A stream that collects what is written and wakes waiters on each write. */
function collector() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  const waitFor = (needle: string) =>
    new Promise<string>((resolve) => {
      const check = () => {
        if (!text.includes(needle)) return;
        stream.off('data', check);
        resolve(text);
      };
      stream.on('data', check);
      check();
    });
  return { stream, text: () => text, waitFor };
}

/** One span of service `service` in its own trace. */
function traceOf(service: string, traceIndex: number): string {
  const json = oneSpanJson(`${service}-op`) as {
    resourceSpans: { resource: { attributes: unknown[] }; scopeSpans: { spans: { traceId: string }[] }[] }[];
  };
  json.resourceSpans[0]!.resource.attributes = [{ key: 'service.name', value: { stringValue: service } }];
  json.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId = traceIndex.toString(16).padStart(32, '0');
  return JSON.stringify(json);
}

describe('startDev (in process)', () => {
  let session: DevSession | undefined;
  afterEach(async () => {
    await session?.shutdown();
    session = undefined;
  });

  it('prints only traces that pass --service, marks early prints, and totals on shutdown', async () => {
    const out = collector();
    const err = collector();
    session = await startDev(options({ service: 'wanted', maxTraces: 1, quietMs: 600_000 }), {
      out: out.stream,
      err: err.stream,
    });
    expect(out.text()).toBe(
      `spanwise dev listening on ${session.url}\n` +
        `start your app with: OTEL_EXPORTER_OTLP_ENDPOINT=${session.url} OTEL_BSP_SCHEDULE_DELAY=100\n` +
        '(each request then prints about a second after it ends)\n',
    );
    const endpoint = `${session.url}/v1/traces`;
    expect((await post(endpoint, traceOf('wanted', 1), JSON_TYPE)).status).toBe(200);
    expect((await post(endpoint, traceOf('other', 2), JSON_TYPE)).status).toBe(200);
    // --max-traces 1: the second trace pushed the first out before it went quiet.
    const printed = await out.waitFor('printed before going quiet');
    expect(printed).toContain('wanted-op');
    expect((await post(endpoint, traceOf('wanted', 3), JSON_TYPE)).status).toBe(200);
    const stats = await session.shutdown();
    expect(stats).toEqual({ spans: 3, traces: 3, evicted: 2, peakOpenTraces: 1 });
    expect(out.text().match(/wanted-op/g)).toHaveLength(2);
    expect(out.text()).not.toContain('other-op');
    expect(err.text()).toBe('');
  });

  it('explains a port already in use and an --out path it cannot open', async () => {
    const busy = await startReceiver();
    const io = { out: new PassThrough(), err: new PassThrough() };
    try {
      await expect(startDev(options({ port: busy.port }), io)).rejects.toThrow(
        `127.0.0.1:${busy.port} is already in use (another spanwise dev or a Collector?); stop it or pass --port`,
      );
    } finally {
      await busy.close();
    }
    const dir = mkdtempSync(join(tmpdir(), 'spanwise-out-'));
    try {
      await expect(startDev(options({ out: join(dir, 'missing', 'x.jsonl') }), io)).rejects.toThrow(
        /^cannot open --out .*x\.jsonl: ENOENT/,
      );
      const file = join(dir, 'ok.jsonl');
      session = await startDev(options({ out: file }), io);
      expect((await post(`${session.url}/v1/traces`, traceOf('svc', 9), JSON_TYPE)).status).toBe(200);
      await session.shutdown();
      const [line] = readFileSync(file, 'utf8').trim().split('\n');
      expect(JSON.parse(line!).resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({
        traceId: '00000000000000000000000000000009',
        spanId: 'eee19b7ec3c1b174',
        name: 'svc-op',
        kind: 1,
        startTimeUnixNano: '1',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
