// Child processes for the app, the load generator and the receiver. Each runs in its own process, pinned
// with taskset to a fixed core when the machine has more than one, so the app under test never shares its
// core with the load generator.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { config } from './config.mjs';

const TASKSET = '/usr/bin/taskset';

/**
 * Which cores each role gets. On 2 cores: the app alone on CPU 0; load generator and receiver share CPU 1
 * (the receiver's share is small: it walks a few hundred export requests per run).
 */
export const placement =
  config.pin && config.cores >= 2 && existsSync(TASKSET)
    ? { app: '0', load: String(config.cores - 1), receiver: String(config.cores - 1) }
    : { app: null, load: null, receiver: null };

/** The cores of a load scenario's three roles, as its result records them ('any' when not pinned). */
export function loadCores() {
  return {
    app: placement.app ?? 'any',
    loadGenerator: placement.load ?? 'any',
    receiver: placement.receiver ?? 'any',
  };
}

/** The command line actually run, with the taskset prefix when pinned. */
export function pinnedCommand(cpu, command, args) {
  return cpu === null ? [command, args] : [TASKSET, ['-c', cpu, command, ...args]];
}

/** Renders a command for the docs: env assignments that matter, then argv. */
export function describeCommand(cpu, command, args, env = {}) {
  const [cmd, argv] = pinnedCommand(cpu, command, args);
  const envPart = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return [
    ...envPart,
    cmd === process.execPath ? 'node' : cmd,
    ...argv.map((a) => (a === process.execPath ? 'node' : a)),
  ]
    .map((s) => (/[\s"'$]/.test(s) ? `'${s}'` : s))
    .join(' ');
}

/**
 * Starts a Node child with an IPC channel on the given core and resolves once it sends `{ ready }`.
 * Rejects with its stderr if it exits first.
 */
export function startNode(cpu, args, { env = {}, cwd, timeoutMs = 30_000, wrapper = [] } = {}) {
  // `wrapper`: a command Node runs under (valgrind, say), in the same process, so the pid is Node's.
  const [cmd, argv] =
    wrapper.length > 0
      ? pinnedCommand(cpu, wrapper[0], [...wrapper.slice(1), process.execPath, ...args])
      : pinnedCommand(cpu, process.execPath, args);
  const child = spawn(cmd, argv, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-8000);
  });
  child.stdout.on('data', (d) => {
    stdout = (stdout + d).slice(-8000);
  });
  const proc = {
    child,
    output: () => ({ stdout, stderr }),
    request: (msg, ms = 60_000) =>
      request(child, msg, ms).catch((err) => {
        throw new Error(`${err.message}\n${stderr}`);
      }),
    stop: () => stop(child),
    exit: () => exitOverIpc(child),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not become ready in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    const onExit = (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before ready\n${stdout}\n${stderr}`));
    };
    child.once('exit', onExit);
    child.on('message', function onReady(msg) {
      if (msg && msg.ready !== undefined) {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onReady);
        proc.ready = msg.ready;
        resolve(proc);
      }
    });
  });
}

let nextId = 1;

/** Sends `{ id, ...msg }` and resolves with the reply carrying the same id. */
function request(child, msg, ms) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    if (!child.connected) {
      reject(
        new Error(`process exited (${child.exitCode ?? child.signalCode}) before ${JSON.stringify(msg)}`),
      );
      return;
    }
    const onExit = (code, signal) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      reject(
        new Error(`process exited (${code ?? signal}) while waiting for a reply to ${JSON.stringify(msg)}`),
      );
    };
    child.once('exit', onExit);
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      child.off('message', onMessage);
      reject(new Error(`no reply to ${JSON.stringify(msg)} in ${ms} ms`));
    }, ms);
    function onMessage(reply) {
      if (reply && reply.id === id) {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.off('message', onMessage);
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply);
      }
    }
    child.on('message', onMessage);
    child.send({ id, ...msg });
  });
}

/** Asks the child to `process.exit()` (it handles `{ cmd: 'exit' }`); falls back to `stop`. */
function exitOverIpc(child) {
  if (!child.connected) return stop(child);
  return new Promise((resolve) => {
    const timer = setTimeout(() => stop(child).then(resolve), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send({ cmd: 'exit' });
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs a Node script to completion on a core and resolves with its parsed last stdout line. */
export function runNodeJson(cpu, args, { env = {}, cwd } = {}) {
  const [cmd, argv] = pinnedCommand(cpu, process.execPath, args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-8000);
    });
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop();
      if (code !== 0 || !last) return reject(new Error(`${args.join(' ')} failed (${code})\n${err}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${args.join(' ')} printed no JSON: ${last}\n${err}`));
      }
    });
  });
}
