import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Receiver, startReceiver } from '@spanwise/cli';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportStats } from '../packages/core/src/types.js';

// The export pipeline in real processes (fixtures build a TracerProvider on packages/core/dist directly). How
// the process ends and what it flushes on SIGTERM is tested through the register hook: test/shutdown.test.ts.

const fixtures = join(__dirname, 'fixtures', 'export');
/** What tracing may hold beyond the byte cap: spans not yet encoded, the request in flight, bookkeeping. */
const SMALL_CONSTANT = 1024 * 1024;

const children: ChildProcess[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

function node(args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  return child;
}

/** Resolves with the first stdout line that `match` accepts. */
function line<T>(child: ChildProcess, match: (line: string) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const l of lines) {
        const found = match(l);
        if (found !== undefined) {
          child.stdout?.off('data', onData);
          resolve(found);
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`fixture exited (${code}) before the expected output`)));
  });
}

const json = <T>(l: string): T | undefined => (l.startsWith('{') ? (JSON.parse(l) as T) : undefined);

function accounted(stats: ExportStats): number {
  const d = stats.droppedSpans;
  return stats.exportedSpans + d.queueFull + d.exportFailed + d.shutdown + stats.queuedSpans;
}

/** A loopback port nobody listens on: connections are refused. */
async function refusedEndpoint(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/v1/traces`;
}

describe('export pipeline in a real process', () => {
  it('holds memory under the byte cap (+ a small constant) at 10k spans/s with the collector down', async () => {
    const cap = 4 * 1024 * 1024;
    const child = node([
      '--expose-gc',
      join(fixtures, 'memory-load.mjs'),
      await refusedEndpoint(),
      '10000',
      '4',
      String(cap),
    ]);
    const { samples, stats, ended } = await line(
      child,
      json<{ samples: number[]; stats: ExportStats; ended: number }>,
    );
    expect(Math.max(...samples)).toBeLessThanOrEqual(cap + SMALL_CONSTANT);
    // The measurement does see the queue: once full, tracing holds most of the cap.
    expect(samples.at(-1)).toBeGreaterThan(cap / 2);
    expect(stats.queuedBytes).toBeLessThanOrEqual(cap);
    expect(stats.droppedSpans.queueFull).toBeGreaterThan(0);
    expect(accounted(stats)).toBe(ended);
  }, 30_000);

  it('never traces itself, while outgoing requests of the app are traced', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const child = node([join(fixtures, 'self-trace.mjs'), receiver.endpoint]);
    const stats = await line(child, json<ExportStats>);
    const names = receiver.spans.map((s) => `${s.kind}:${s.name}`).sort();
    expect(names).toEqual(['1:app-work', '3:GET']);
    expect(stats.exportedSpans).toBe(2);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
  });
});
