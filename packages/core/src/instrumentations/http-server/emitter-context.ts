import { type Context, context } from '@opentelemetry/api';

/** The request's context, on the `IncomingMessage` and `ServerResponse` of a traced request. */
export const REQUEST_CONTEXT = Symbol.for('spanwise.http.requestContext');

/** `EventEmitter.prototype.emit`'s shape. */
export type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
/** A request or response that may carry its request's context. */
export interface ContextCarrier {
  [REQUEST_CONTEXT]?: Context;
}
/** An emitter that can say how many listeners an event has. */
interface Listened {
  listenerCount(event: string | symbol): number;
}
/** A prototype whose `emit` can be replaced. */
export interface EmitterPrototype {
  emit: Emit;
}

/**
 * Makes every event of a traced request and its response run in the request's context, as the OpenTelemetry
 * HTTP instrumentation's `context.bind(emitter)` does, but once per prototype instead of per request: a
 * body parser's `data`/`end` listeners fire from socket callbacks, outside the context the request started
 * in, and the route handler they go on to call must still see the server span. An emitter that carries no
 * context, an event nobody listens to, and an emit from the request's context already are passed straight
 * through. Returns the undo.
 */
export function bindEmitsToRequestContext(prototypes: readonly EmitterPrototype[]): () => void {
  const undo = prototypes.map((prototype) =>
    replaceEmit(
      prototype,
      (original) =>
        function emitInRequestContext(this: unknown, event) {
          const ctx = (this as ContextCarrier)[REQUEST_CONTEXT];
          // No listener, no code to run in the context: most of a response's events have none.
          if (
            ctx === undefined ||
            (this as Listened).listenerCount(event) === 0 ||
            context.active() === ctx
          ) {
            // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
            return original.apply(this, arguments as unknown as Parameters<Emit>);
          }
          // biome-ignore lint/complexity/noArguments: forwards every argument after the event
          return context.with(ctx, original, this, event, ...Array.prototype.slice.call(arguments, 1));
        },
    ),
  );
  return () => {
    for (const step of undo) step();
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
