import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built CLI, as `npx spanwise` would run it. */
export const BIN = join(__dirname, '..', 'dist', 'cjs', 'bin.js');

/** A `spanwise` child process whose stdout can be awaited line by line, without polling. */
export class SpanwiseProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly listeners = new Set<() => void>();

  constructor(args: readonly string[]) {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run 'pnpm --filter @spanwise/cli build' first`);
    this.child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const listener of this.listeners) listener();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves once stdout satisfies `done`; rejects after `timeoutMs`, showing what was printed. */
  waitForStdout(done: (stdout: string) => boolean, timeoutMs = 10_000): Promise<string> {
    if (done(this.stdout)) return Promise.resolve(this.stdout);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out waiting for stdout; got:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const check = (): void => {
        if (!done(this.stdout)) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(this.stdout);
      };
      this.listeners.add(check);
    });
  }

  /** The receiver's URL, from the first line `spanwise dev listening on URL`. */
  async url(): Promise<string> {
    const stdout = await this.waitForStdout((text) => text.includes('\n'));
    const match = /^spanwise dev listening on (http:\/\/\S+)\n/.exec(stdout);
    if (match?.[1] === undefined) throw new Error(`unexpected first line: ${stdout}`);
    return match[1];
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}
