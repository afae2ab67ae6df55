// Child processes for the examples' runners: start `node ...args`, collect its output, wait for a line.
// Every child still running when the runner exits (normally or by an uncaught error) is killed, so a failed
// run never leaves a `spanwise dev` or a service behind.
import { spawn } from 'node:child_process';

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node ...args` in `cwd`. `waitFor(test)` resolves with the first truthy `test(stdout)` (a RegExp
 * works too) and rejects when the process exits first.
 */
export function startNode(name, args, { cwd, env = {}, stderr = 'pipe' } = {}) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', stderr],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const waitFor = (test) =>
    new Promise((resolve, reject) => {
      const match = typeof test === 'function' ? test : (text) => text.match(test);
      const check = () => {
        const result = match(out);
        if (result) {
          child.stdout.off('data', check);
          resolve(result);
        }
      };
      child.stdout.on('data', check);
      void exited.then(({ code, signal }) =>
        reject(new Error(`${name} exited (${code ?? signal}) too early:\n${out}${err}`)),
      );
      check();
    });
  return { name, child, exited, waitFor, stdout: () => out, stderr: () => err };
}
