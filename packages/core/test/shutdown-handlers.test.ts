import { afterEach, describe, expect, it } from 'vitest';
import { installShutdownHandlers } from '../src/shutdown/signal-handlers.js';

function target(pending: boolean) {
  const calls: string[] = [];
  return {
    calls,
    shutdown: () => {
      calls.push('shutdown');
      return Promise.resolve();
    },
    forceFlush: () => {
      calls.push('flush');
      return Promise.resolve();
    },
    hasPending: () => pending,
  };
}

describe('installShutdownHandlers', () => {
  let remove: (() => void) | undefined;
  afterEach(() => remove?.());

  it('on a signal the app also handles: flushes, keeps tracing on and leaves exiting to the app', () => {
    const t = target(true);
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

  it('on beforeExit: shuts down when spans are queued, and does nothing otherwise', () => {
    const busy = target(true);
    remove = installShutdownHandlers(busy);
    process.emit('beforeExit', 0);
    remove();
    const idle = target(false);
    remove = installShutdownHandlers(idle);
    process.emit('beforeExit', 0);
    expect(busy.calls).toEqual(['shutdown']);
    expect(idle.calls).toEqual([]);
  });

  it('removes every handler it installed', () => {
    const before = ['SIGTERM', 'SIGINT', 'beforeExit'].map((e) => process.listenerCount(e));
    installShutdownHandlers(target(false))();
    expect(['SIGTERM', 'SIGINT', 'beforeExit'].map((e) => process.listenerCount(e))).toEqual(before);
  });
});
