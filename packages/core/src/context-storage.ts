import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context, ContextManager } from '@opentelemetry/api';

let storage: AsyncLocalStorage<Context> | undefined;

/**
 * Remembers the `AsyncLocalStorage` behind the context manager Spanwise registered, so an instrumentation can
 * bind a diagnostics channel to it (`channel.bindStore`): the library then runs its callback in the context
 * the instrumentation chose, with no wrapper around the callback. The storage is a private field of
 * `AsyncLocalStorageContextManager`; if it ever moves, this yields nothing and those instrumentations fall
 * back to spans that are not made active.
 */
export function rememberContextStorage(manager: ContextManager): void {
  const candidate = (manager as unknown as { _asyncLocalStorage?: unknown })._asyncLocalStorage;
  storage = candidate instanceof AsyncLocalStorage ? (candidate as AsyncLocalStorage<Context>) : undefined;
}

/** The storage remembered by `rememberContextStorage`, if any. */
export function contextStorage(): AsyncLocalStorage<Context> | undefined {
  return storage;
}
