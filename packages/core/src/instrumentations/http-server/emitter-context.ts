import { type Context, context } from '@opentelemetry/api';

/** `EventEmitter.prototype.emit`'s shape. */
export type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
/** An emitter that can say how many listeners an event has. */
interface Listened {
  listenerCount(event: string | symbol): number;
}
/** A prototype whose `emit` can be replaced. */
export interface EmitterPrototype {
  emit: Emit;
}

/**
 * What a traced request, and its response, carry under one symbol: `emit` then reads one property of an
 * emitter whose shape varies from request to request (each such read costs a megamorphic look-up).
 */
interface RequestState {
  /** The request's context. */
  readonly context: Context;
  /** On a request: the response that answers it. */
  readonly answeredBy: { readonly writableFinished: boolean } | undefined;
  /** This emitter's events that got a listener while its request was being handled: only their emits need the context. */
  events: Set<string | symbol> | undefined;
}

const REQUEST_STATE = Symbol.for('spanwise.http.requestState');

/** An emitter that may carry its request's state. */
interface Carrier {
  [REQUEST_STATE]?: RequestState;
}

/** Gives a request and its response the request's context; from then on their events may run in it. */
export function carryContext(
  request: object,
  response: { readonly writableFinished: boolean },
  ctx: Context,
): void {
  (request as Carrier)[REQUEST_STATE] = { context: ctx, answeredBy: response, events: undefined };
  (response as Carrier)[REQUEST_STATE] = { context: ctx, answeredBy: undefined, events: undefined };
}

/** The context of the request `emitter` (a traced request or its response) belongs to. */
export function requestContextOf(emitter: unknown): Context | undefined {
  return (emitter as Carrier)[REQUEST_STATE]?.context;
}

/** `EventEmitter.prototype.on`'s shape (and `addListener`'s, `prependListener`'s). */
type AddListener = (this: unknown, event: string | symbol, listener: (...args: unknown[]) => void) => unknown;
/** How listeners are added: `once` and `prependOnceListener` go through `on` and `prependListener`. */
const ADD_METHODS = ['on', 'addListener', 'prependListener'] as const;

/**
 * Makes the events of a traced request and its response run in the request's context, as the OpenTelemetry
 * HTTP instrumentation's `context.bind(emitter)` does, but once per prototype instead of per request: a
 * body parser's `data`/`end` listeners fire from socket callbacks, outside the context the request started
 * in, and the route handler they go on to call must still see the server span.
 *
 * Only an event that got a listener while the request was being handled (from {@link carryContext} until
 * its response finished) is emitted in that context. Node's own listeners (its `finish` handler on every
 * response, added before; its `end` listener on a request whose body nobody read, added after) and
 * `onClose` need none, and entering a context for them cost about 4 µs a request in `pnpm bench http`. An
 * emitter that carries no context, and an emit from the request's context already, are passed straight
 * through.
 *
 * `onClose` runs first thing when an emitter carrying a context emits `close`: Spanwise's end of the request,
 * without a listener added to every response. Returns the undo.
 */
export function bindEmitsToRequestContext(
  prototypes: readonly EmitterPrototype[],
  onClose?: (emitter: unknown) => void,
): () => void {
  const undo: (() => void)[] = [];
  for (const prototype of prototypes) {
    for (const method of ADD_METHODS) undo.push(replaceAddListener(prototype, method));
    undo.push(
      replaceEmit(
        prototype,
        (original) =>
          function emitInRequestContext(this: unknown, event) {
            const state = (this as Carrier)[REQUEST_STATE];
            if (state === undefined) {
              // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
              return original.apply(this, arguments as unknown as Parameters<Emit>);
            }
            const ctx = state.context;
            if (event === 'close' && onClose !== undefined) onClose(this);
            if (
              state.events?.has(event) !== true ||
              context.active() === ctx ||
              (this as Listened).listenerCount(event) === 0
            ) {
              // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
              return original.apply(this, arguments as unknown as Parameters<Emit>);
            }
            // biome-ignore lint/complexity/noArguments: forwards every argument after the event
            return context.with(ctx, original, this, event, ...Array.prototype.slice.call(arguments, 1));
          },
      ),
    );
  }
  return () => {
    for (const step of undo) step();
  };
}

/**
 * Puts a method in place of `prototype[method]` that notes, on an emitter carrying its request's context,
 * which event got a listener, then adds it as before. Returns the undo.
 */
function replaceAddListener(prototype: EmitterPrototype, method: (typeof ADD_METHODS)[number]): () => void {
  const target = prototype as unknown as Record<string, AddListener | undefined>;
  const hadOwn = Object.hasOwn(prototype, method);
  const original = target[method] as AddListener;
  const add: AddListener = function addInRequestContext(this: unknown, event) {
    const state = (this as Carrier)[REQUEST_STATE];
    // Once the response has finished, what is added is Node's clean-up (its `end` listener on a request whose
    // body nobody read), not the app's.
    if (state !== undefined && state.answeredBy?.writableFinished !== true) {
      if (state.events === undefined) state.events = new Set([event]);
      else state.events.add(event);
    }
    // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
    return original.apply(this, arguments as unknown as Parameters<AddListener>);
  };
  target[method] = add;
  return () => {
    if (target[method] !== add) return;
    if (hadOwn) target[method] = original;
    else delete target[method];
  };
}

/**
 * Puts `wrap(original)` in place of a prototype's `emit` and returns the undo, which restores the original
 * (or removes the own property it added) unless someone has replaced `emit` again since.
 */
export function replaceEmit(prototype: EmitterPrototype, wrap: (original: Emit) => Emit): () => void {
  const hadOwn = Object.hasOwn(prototype, 'emit');
  const original = prototype.emit;
  const emit = wrap(original);
  prototype.emit = emit;
  return () => {
    if (prototype.emit !== emit) return;
    if (hadOwn) prototype.emit = original;
    else delete (prototype as Partial<EmitterPrototype>).emit;
  };
}

/**
 * Emits `request` on `server` with the original `emit`: the callback for `context.with`, which would bind a
 * new function per request if given the server as `this`.
 */
export function emitRequest(emit: Emit, server: unknown, request: unknown, response: unknown): boolean {
  return emit.call(server, 'request', request, response);
}
