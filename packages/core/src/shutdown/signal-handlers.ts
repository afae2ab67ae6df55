import { logger } from '../logger.js';

type ExitSignal = 'SIGTERM' | 'SIGINT';
const SIGNALS: readonly ExitSignal[] = ['SIGTERM', 'SIGINT'];

/** What the handlers drive. */
export interface ShutdownTarget {
  /** The final flush, bounded by the shutdown deadline. Idempotent. */
  shutdown(): Promise<void>;
  /** Stops the servers taking new requests, waits for those in flight, then the final flush; one deadline. */
  shutdownAfterRequests(): Promise<void>;
  /** Exports what is queued; tracing stays on. */
  forceFlush(): Promise<void>;
  /** The process is exiting now, synchronously: counts what is still queued as dropped. */
  abandon(exitCode: number): void;
}

/**
 * Installs SIGTERM/SIGINT, `beforeExit` and `exit` handlers that flush tracing last without changing how
 * the app ends (see docs/shutdown.md for each case):
 *
 * - No app handler for the signal: Node would end the process at once. Instead the HTTP servers stop taking
 *   requests, those in flight finish, the final flush runs, and the signal is raised again with no handler
 *   left, so the process ends by it exactly as it would have (exit status 143 / 130).
 * - The app has its own handler (e.g. Nest's `enableShutdownHooks`): tracing stays fully on while the app
 *   shuts itself down; what is queued is flushed early. The app then ends the process its own way:
 *   - the event loop drains: `beforeExit` runs the final flush, and the process exits with the app's code;
 *   - it raises the signal again (Nest does, just before its loop drains): this handler, the only one left,
 *     waits for the final flush and lets the signal end the process;
 *   - `process.exit()`: nothing asynchronous can run any more, so `exit` counts what is still queued as
 *     dropped (shutdown), with a warning naming the fix.
 *
 * `process.exit` is never called nor replaced. Returns a function that removes the handlers.
 */
export function installShutdownHandlers(target: ShutdownTarget): () => void {
  const onSignal = (signal: ExitSignal): void => {
    if (process.listenerCount(signal) > 1) {
      target
        .forceFlush()
        .catch((error: unknown) => logger.warn(`flush on ${signal} failed: ${String(error)}`));
      return;
    }
    const done = target.shutdownAfterRequests().catch((error: unknown) => {
      logger.warn(`shutdown on ${signal} failed: ${String(error)}`);
    });
    void done.then(() => {
      remove();
      process.kill(process.pid, signal);
    });
  };
  const handlers = new Map(SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const));
  const onBeforeExit = (): void => {
    target.shutdown().catch((error: unknown) => logger.warn(`shutdown before exit failed: ${String(error)}`));
  };
  const onExit = (code: number): void => target.abandon(code);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);

  function remove(): void {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
  }
  return remove;
}
