import type { Context } from '@opentelemetry/api';

/**
 * An OpenTelemetry `Context` with its methods on the prototype: what `ROOT_CONTEXT`'s `BaseContext` does,
 * without three closures per context. `BaseContext` assigns arrow functions to properties
 * (`self.getValue = (key) => …`), and V8's parser marks a function literal assigned to a property for
 * pretenuring: those closures are allocated in the old generation, each holding the young context through
 * its scope. Every young-generation GC (scavenge) then takes every context made since the last full GC as
 * live, with the spans and values its map holds, and promotes them: about 1 MB per scavenge in the
 * scenario-1 app, with longer pauses (`bench/pipeline/scavenge-survivors.mjs`, docs/benchmarks.md scenario 6). A context derives its children
 * from itself, so starting a request from `LEAN_ROOT_CONTEXT` keeps the whole request's contexts lean.
 */
class LeanContext implements Context {
  constructor(private readonly values: ReadonlyMap<symbol, unknown>) {}

  getValue(key: symbol): unknown {
    return this.values.get(key);
  }

  setValue(key: symbol, value: unknown): Context {
    const values = new Map(this.values);
    values.set(key, value);
    return new LeanContext(values);
  }

  deleteValue(key: symbol): Context {
    const values = new Map(this.values);
    values.delete(key);
    return new LeanContext(values);
  }
}

/** An empty context, like `ROOT_CONTEXT`, whose descendants allocate no closures. */
export const LEAN_ROOT_CONTEXT: Context = new LeanContext(new Map());
