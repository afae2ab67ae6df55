import { logger } from '../logger.js';

type ExitSignal = 'SIGTERM' | 'SIGINT';
const SIGNALS: readonly ExitSignal[] = ['SIGTERM', 'SIGINT'];

/** What the handlers drive: a bounded shutdown, and whether anything is still waiting to be exported. */
export interface ShutdownTarget {
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
  hasPending(): boolean;
}

/**
 * Installs SIGTERM/SIGINT and `beforeExit` handlers that flush tracing without changing how the app ends.
 *
 * - No app handler for the signal: flush within the deadline, then re-raise the signal so the process ends
 *   exactly as it would have (exit code 143 / 130).
 * - The app has its own handler (e.g. Nest's `enableShutdownHooks`): flush what is queued but keep tracing
 *   on, so the spans of the app's own graceful shutdown are still recorded, and leave exiting to the app.
 *   When the app later re-raises the signal itself, this handler is the only one left and ends the process
 *   as above, after tracing has shut down.
 * - `beforeExit` (scripts, CLIs): flush what is queued; nothing is queued, nothing is waited for.
 *
 * `process.exit` is never called. Returns a function that removes the handlers.
 */
export function installShutdownHandlers(target: ShutdownTarget): () => void {
  const onSignal = (signal: ExitSignal): void => {
    if (process.listenerCount(signal) > 1) {
      target
        .forceFlush()
        .catch((error: unknown) => logger.warn(`flush on ${signal} failed: ${String(error)}`));
      return;
    }
    const done = target.shutdown().catch((error: unknown) => {
      logger.warn(`shutdown on ${signal} failed: ${String(error)}`);
    });
    void done.then(() => {
      remove();
      process.kill(process.pid, signal);
    });
  };
  const handlers = new Map(SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const));
  const onBeforeExit = (): void => {
    if (!target.hasPending()) return;
    target.shutdown().catch((error: unknown) => logger.warn(`shutdown before exit failed: ${String(error)}`));
  };
  for (const [signal, handler] of handlers) process.on(signal, handler);
  process.on('beforeExit', onBeforeExit);

  function remove(): void {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    process.removeListener('beforeExit', onBeforeExit);
  }
  return remove;
}
