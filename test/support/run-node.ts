import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

// Children run from the e2e package, so `--require @spanwise/core/register` resolves to the workspace build.
const E2E_DIR = join(__dirname, '..');

/** A Node child process with its output collected. */
export interface NodeProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern`, or rejects when the process exits first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node ...args` (this test run's Node) in `cwd` (default: the test/ package) with `env` added to a clean copy of the environment. */
export function startNode(args: string[], env: Record<string, string> = {}, cwd = E2E_DIR): NodeProcess {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // SPANWISE_ENGINE passes through: `pnpm test:sdk-engine` runs the suite again on the SDK engine.
    if (
      value !== undefined &&
      !key.startsWith('OTEL_') &&
      (!key.startsWith('SPANWISE_') || key === 'SPANWISE_ENGINE') &&
      !key.startsWith('VITEST')
    ) {
      base[key] = value;
    }
  }
  delete base.NODE_OPTIONS;
  // pnpm's bin shims put the workspace's whole .pnpm/node_modules on NODE_PATH; no user's app has that, and
  // it once hid a package that could not find itself (the CLI's .proto files) from every test.
  delete base.NODE_PATH;
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const waiter of [...waiters]) {
      const match = out.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine(pattern) {
      const match = out.match(pattern);
      if (match) return Promise.resolve(match);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then(({ code, signal }) =>
          reject(
            new Error(
              `process exited (${code ?? signal}) before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`,
            ),
          ),
        );
      });
    },
  };
}

/** Runs `node ...args` to completion. */
export async function runNode(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const proc = startNode(args, env, cwd);
  const result = await proc.exited;
  return { ...result, stdout: proc.stdout(), stderr: proc.stderr() };
}
