import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExportStats } from '../packages/core/src/types.js';
import { type NodeProcess, startNode } from './support/run-node.js';

// The shutdown contract (docs/shutdown.md), through the register hook in real processes: every way of
// stopping ends exactly as the same app without Spanwise, and every span of an answered request arrives.

const fixtures = join(__dirname, 'fixtures', 'shutdown');
const httpApp = join(fixtures, 'http-app.cjs');
const script = join(fixtures, 'script.cjs');
const syncScript = join(fixtures, 'sync-script.cjs');
const nestDir = join(__dirname, '..', 'packages', 'nestjs');
const nestApp = join(nestDir, 'test', 'fixtures', 'shutdown-app.mjs');
const SPAN_KIND_SERVER = 2;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
afterEach(async () => {
  receiver.setFault({ type: 'ok' });
  await receiver.listen().catch(() => undefined);
  receiver.clear();
});

const running: NodeProcess[] = [];
afterEach(() => {
  for (const proc of running.splice(0)) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
});

function start(args: string[], hooked: boolean, env: Record<string, string> = {}, cwd?: string) {
  const hook = args[0]?.endsWith('.mjs') ? '--import' : '--require';
  const proc = startNode(hooked ? [hook, '@spanwise/core/register', ...args] : args, env, cwd);
  running.push(proc);
  return proc;
}

/** The app's environment: the receiver, and spans held in the queue until the final flush. */
const env = (extra: Record<string, string> = {}) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_BSP_SCHEDULE_DELAY: '60000',
  ...extra,
});

interface AppReport {
  stats: ExportStats;
  childSpans: number;
  responsesClosed: number;
}

/** What http-app.cjs printed when the process signalled itself (Spanwise re-raising the signal). */
function reportOf(proc: NodeProcess): AppReport {
  const line = proc.stdout().match(/^\{.*\}$/m);
  if (!line) throw new Error(`no report\nstdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`);
  return JSON.parse(line[0]) as AppReport;
}

function accounted(stats: ExportStats): number {
  const d = stats.droppedSpans;
  return stats.exportedSpans + d.queueFull + d.exportFailed + d.shutdown + stats.queuedSpans;
}

/** One GET on a connection of its own; resolves with the body, or undefined when not answered in full. */
function get(port: number, path: string, agent: http.Agent | false = false): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(res.complete && res.statusCode === 200 ? body : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
  });
}

/**
 * Keep-alive load from `concurrency` loops, bounded by `maxRequests`: calls `signal` once `signalAfter`
 * responses have arrived, and goes on until the server stops answering. Returns the answered bodies.
 */
async function keepAliveLoad(
  port: number,
  options: { concurrency: number; signalAfter: number; maxRequests: number; signal: () => void },
): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const answered: string[] = [];
  let sent = 0;
  let signalled = false;
  const loop = async () => {
    while (sent < options.maxRequests) {
      sent++;
      const body = await get(port, '/work', agent);
      if (body === undefined) return;
      answered.push(body);
      if (!signalled && answered.length >= options.signalAfter) {
        signalled = true;
        options.signal();
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  agent.destroy();
  return answered;
}

/** Asserts that every answered trace id has its server span and its `work` child span at the receiver. */
function expectEveryAnsweredTrace(traceIds: readonly string[]): void {
  const server = new Map<string, string>();
  const children = new Map<string, string>();
  for (const span of receiver.spans) {
    if (span.kind === SPAN_KIND_SERVER) server.set(span.traceId, span.spanId);
    else if (span.name === 'work') children.set(span.traceId, span.parentSpanId ?? '');
  }
  const lost = traceIds.filter((id) => server.get(id) === undefined || children.get(id) !== server.get(id));
  expect(lost).toEqual([]);
}

describe('SIGTERM under keep-alive load, no app handler, collector up', () => {
  it('loses no span of an answered request and ends by SIGTERM, in each of 5 runs', async () => {
    for (let run = 0; run < 5; run++) {
      receiver.clear();
      const proc = start([httpApp], true, env({ OTEL_BSP_SCHEDULE_DELAY: '200' }));
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      const answered = await keepAliveLoad(Number(port), {
        concurrency: 8,
        signalAfter: 200,
        maxRequests: 4000,
        signal: () => proc.child.kill('SIGTERM'),
      });
      expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
      const { stats, childSpans, responsesClosed } = reportOf(proc);
      expect(answered.length).toBeGreaterThanOrEqual(200);
      expect(answered).not.toContain('untraced');
      expectEveryAnsweredTrace(answered);
      expect(stats.droppedSpans).toEqual({ queueFull: 0, exportFailed: 0, shutdown: 0 });
      expect(stats.queuedSpans).toBe(0);
      expect(stats.exportedSpans).toBe(childSpans + responsesClosed);
      expect(receiver.spans).toHaveLength(stats.exportedSpans);
      expect(proc.stderr()).toBe('');
    }
  }, 90_000);

  it('ends by SIGTERM without Spanwise too', async () => {
    const proc = start([httpApp], false);
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    const answered = await keepAliveLoad(Number(port), {
      concurrency: 8,
      signalAfter: 200,
      maxRequests: 4000,
      signal: () => proc.child.kill('SIGTERM'),
    });
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(answered[0]).toBe('untraced');
  }, 30_000);
});

describe('every way of stopping ends as it does without Spanwise', () => {
  /** Runs the http app with and without the hook: two requests, then `signal`; returns both exits. */
  async function compare(signal: NodeJS.Signals, extra: Record<string, string>) {
    const exits = [];
    let hooked: NodeProcess | undefined;
    for (const withHook of [false, true]) {
      const proc = start([httpApp], withHook, env(extra));
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      expect(await get(Number(port), '/work')).toBeDefined();
      expect(await get(Number(port), '/work')).toBeDefined();
      proc.child.kill(signal);
      exits.push(await proc.exited);
      if (withHook) hooked = proc;
    }
    return { without: exits[0], with: exits[1], hooked: hooked! };
  }

  it('no app handler, SIGINT: ends by SIGINT, every span delivered', async () => {
    const result = await compare('SIGINT', {});
    expect(result.without).toEqual({ code: null, signal: 'SIGINT' });
    expect(result.with).toEqual(result.without);
    expect(receiver.spans).toHaveLength(4);
  });

  it('a plain SIGTERM handler that closes the server: exits 0, every span delivered', async () => {
    const result = await compare('SIGTERM', { APP_SIGNAL_HANDLER: 'close' });
    expect(result.without).toEqual({ code: 0, signal: null });
    expect(result.with).toEqual(result.without);
    expect(receiver.spans).toHaveLength(4);
    expect(result.hooked.stderr()).toBe('');
  });

  it('a handler that calls process.exit(0): exits 0; what could not be sent is counted, with the fix named', async () => {
    receiver.setFault({ type: 'hang' });
    const result = await compare('SIGTERM', { APP_SIGNAL_HANDLER: 'exit' });
    expect(result.without).toEqual({ code: 0, signal: null });
    expect(result.with).toEqual(result.without);
    const warnings = result.hooked.stderr().trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[spanwise\] dropped 4 spans: 4 undelivered at shutdown\b/);
    expect(warnings[0]).toContain(
      'The process exited (code 0) before they were flushed, through process.exit() or a crash: call ' +
        'await getTracing()?.shutdown() before process.exit(), or set process.exitCode and let the process end',
    );
  });

  it('a script whose event loop drains (beforeExit): same exit code, every span delivered', async () => {
    const without = await start([script], false, env()).exited;
    const hooked = start([script], true, env());
    expect(without).toEqual({ code: 3, signal: null });
    expect(await hooked.exited).toEqual(without);
    expect(receiver.spans.map((s) => s.name).sort()).toEqual([
      'script.before-exit',
      'script.later',
      'script.start',
    ]);
    expect(hooked.stderr()).toBe('');
  });

  it('a script with no asynchronous work, whose only span its own beforeExit listener makes: exits 0, span delivered', async () => {
    const without = await start([syncScript], false, env()).exited;
    const hooked = start([syncScript], true, env());
    expect(without).toEqual({ code: 0, signal: null });
    expect(await hooked.exited).toEqual(without);
    expect(receiver.spans.map((s) => s.name)).toEqual(['script.only-span']);
    expect(hooked.stderr()).toBe('');
  });
});

describe('NestJS 12 with enableShutdownHooks()', () => {
  async function nest(withHook: boolean, requests: number, shutdownSpan: boolean) {
    const proc = start([nestApp], withHook, env({ SHUTDOWN_SPAN: shutdownSpan ? '1' : '0' }), nestDir);
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    const traceIds: string[] = [];
    for (let i = 0; i < requests; i++) traceIds.push((await get(Number(port), `/work/${i}`))!);
    proc.child.kill('SIGTERM');
    return { exit: await proc.exited, traceIds, proc };
  }

  it.each([
    ['nothing queued', 0, false],
    ['spans queued', 3, false],
    ['only a span from onApplicationShutdown', 0, true],
    ['spans queued and a span from onApplicationShutdown', 3, true],
  ])(
    '%s: ends by SIGTERM like the app without Spanwise, every span delivered',
    async (_, requests, span) => {
      const without = await nest(false, requests, span);
      expect(without.exit).toEqual({ code: null, signal: 'SIGTERM' });
      const hooked = await nest(true, requests, span);
      expect(hooked.exit).toEqual(without.exit);
      expect(hooked.proc.stderr()).toBe('');
      const names = receiver.spans.map((s) => s.name);
      for (const traceId of hooked.traceIds) {
        const trace = receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.name);
        expect(trace).toEqual(
          expect.arrayContaining(['GET /work/:n', 'WorkController.work', 'WorkService.run']),
        );
      }
      expect(names.filter((name) => name === 'app.on-shutdown')).toHaveLength(span ? 1 : 0);
      if (requests === 0 && !span) expect(receiver.spans).toHaveLength(0);
    },
    60_000,
  );
});

describe('the final flush against a failing collector', () => {
  it('collector refusing connections for the first 300 ms of shutdown, 5 s deadline: every queued span arrives', async () => {
    const proc = start([httpApp], true, env({ SPANWISE_SHUTDOWN_TIMEOUT_MS: '5000' }));
    const [, port] = await proc.waitForLine(/listening (\d+)/);
    for (let i = 0; i < 100; i++) expect(await get(Number(port), '/work')).toBeDefined();
    await receiver.stop();
    proc.child.kill('SIGTERM');
    await delay(300);
    await receiver.listen();
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
    const { stats } = reportOf(proc);
    expect(stats.exportedSpans).toBe(200);
    expect(stats.droppedSpans.shutdown).toBe(0);
    expect(stats.retries).toBeGreaterThanOrEqual(1);
    expect(receiver.spans).toHaveLength(200);
  }, 30_000);

  it.each([
    ['accepts and never answers', 'hang'],
    ['refuses connections', 'refuse'],
  ])(
    'collector that %s: ends by SIGTERM within the deadline + 0.5 s, every span accounted for',
    async (_, fault) => {
      if (fault === 'hang') receiver.setFault({ type: 'hang' });
      else await receiver.stop();
      const deadlineMs = 1000;
      const proc = start([httpApp], true, env({ SPANWISE_SHUTDOWN_TIMEOUT_MS: String(deadlineMs) }));
      const [, port] = await proc.waitForLine(/listening (\d+)/);
      let signalledAt = 0;
      await keepAliveLoad(Number(port), {
        concurrency: 4,
        signalAfter: 100,
        maxRequests: 2000,
        signal: () => {
          signalledAt = performance.now();
          proc.child.kill('SIGTERM');
        },
      });
      expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
      // The contract's bound: the deadline, plus half a second for the process to end.
      expect(performance.now() - signalledAt).toBeLessThan(deadlineMs + 500);
      const { stats, childSpans, responsesClosed } = reportOf(proc);
      expect(stats.exportedSpans).toBe(0);
      expect(stats.queuedSpans).toBe(0);
      expect(stats.droppedSpans.shutdown).toBe(childSpans + responsesClosed);
      expect(accounted(stats)).toBe(childSpans + responsesClosed);
      expect(proc.stderr()).toContain(`[spanwise] dropped ${stats.droppedSpans.shutdown} spans`);
    },
    30_000,
  );
});
