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
  /**
   * One value over the context it derives from: a write allocates one small object instead of copying a
   * map of every value (`setValue` and `deleteValue` were about 1 µs of a 3-span request in `pnpm bench
   * http`). A request's chain is a handful of writes deep; past {@link MAX_DEPTH} a write starts a fresh
   * chain of the values still visible, so lookups stay short and overwritten values are let go.
   */
  constructor(
    private readonly parent: LeanContext | undefined,
    private readonly key: symbol | undefined,
    private readonly value: unknown,
    private readonly depth: number,
  ) {}

  getValue(key: symbol): unknown {
    for (let ctx: LeanContext | undefined = this; ctx !== undefined; ctx = ctx.parent) {
      if (ctx.key === key) return ctx.value;
    }
    return undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    return this.derive(key, value);
  }

  /** A deleted key reads as `undefined`, as it does in `ROOT_CONTEXT`'s contexts. */
  deleteValue(key: symbol): Context {
    return this.derive(key, undefined);
  }

  private derive(key: symbol, value: unknown): LeanContext {
    if (this.depth < MAX_DEPTH) return new LeanContext(this, key, value, this.depth + 1);
    // Newest first, the first write of each key is the one that counts.
    const visible = new Map<symbol, unknown>([[key, value]]);
    for (let ctx: LeanContext | undefined = this; ctx?.key !== undefined; ctx = ctx.parent) {
      if (!visible.has(ctx.key)) visible.set(ctx.key, ctx.value);
    }
    let chain = LEAN_ROOT;
    for (const [k, v] of visible) if (v !== undefined) chain = new LeanContext(chain, k, v, chain.depth + 1);
    return chain;
  }
}

/** Writes a chain takes before it is rebuilt from the values it still shows. */
const MAX_DEPTH = 32;

const LEAN_ROOT = new LeanContext(undefined, undefined, undefined, 0);

/** An empty context, like `ROOT_CONTEXT`, whose descendants allocate no closures. */
export const LEAN_ROOT_CONTEXT: Context = LEAN_ROOT;
