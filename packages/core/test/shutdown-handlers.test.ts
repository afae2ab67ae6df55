import { afterEach, describe, expect, it } from 'vitest';
import { installShutdownHandlers } from '../src/shutdown/signal-handlers.js';

// The signal paths that end the process (no app handler) are tested in real processes: test/shutdown.test.ts.

function target() {
  const calls: string[] = [];
  const record = (call: string) => () => {
    calls.push(call);
    return Promise.resolve();
  };
  return {
    calls,
    shutdown: record('shutdown'),
    shutdownAfterRequests: record('shutdownAfterRequests'),
    forceFlush: record('flush'),
    abandon: (code: number) => {
      calls.push(`abandon ${code}`);
    },
  };
}

describe('installShutdownHandlers', () => {
  let remove: (() => void) | undefined;
  afterEach(() => remove?.());

  it('on a signal the app also handles: flushes, keeps tracing on and leaves exiting to the app', () => {
    const t = target();
    remove = installShutdownHandlers(t);
    let appSaw = false;
    const appHandler = () => {
      appSaw = true;
    };
    process.on('SIGTERM', appHandler);
    process.emit('SIGTERM', 'SIGTERM');
    process.removeListener('SIGTERM', appHandler);
    expect(appSaw).toBe(true);
    expect(t.calls).toEqual(['flush']);
  });

  it('on beforeExit: runs the final flush, whether or not spans are queued', () => {
    const t = target();
    remove = installShutdownHandlers(t);
    process.emit('beforeExit', 0);
    expect(t.calls).toEqual(['shutdown']);
  });

  it('on exit: counts what is still queued, with the exit code', () => {
    const t = target();
    remove = installShutdownHandlers(t);
    process.emit('exit', 3);
    expect(t.calls).toEqual(['abandon 3']);
  });

  it('removes every handler it installed', () => {
    const events = ['SIGTERM', 'SIGINT', 'beforeExit', 'exit'];
    const before = events.map((e) => process.listenerCount(e));
    installShutdownHandlers(target())();
    expect(events.map((e) => process.listenerCount(e))).toEqual(before);
  });
});
