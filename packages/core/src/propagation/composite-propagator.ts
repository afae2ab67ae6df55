import {
  type Context,
  diag,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';

/**
 * Injects every format and extracts from all of them, where the first format (in `OTEL_PROPAGATORS` order)
 * that yields a span context keeps it: a later format's ids never replace it, while its baggage is still
 * merged. (OpenTelemetry's `CompositePropagator` lets the last one win.) A propagator that throws is
 * skipped, so one broken format never stops the others or the request.
 */
export class FirstContextPropagator implements TextMapPropagator {
  private readonly allFields: string[];

  constructor(private readonly propagators: readonly TextMapPropagator[]) {
    this.allFields = [...new Set(propagators.flatMap((p) => p.fields()))];
  }

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    for (const propagator of this.propagators) {
      try {
        propagator.inject(ctx, carrier, setter);
      } catch (error) {
        diag.debug('spanwise: a propagator failed to inject', error);
      }
    }
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const before = trace.getSpanContext(ctx);
    let result = ctx;
    let found = false;
    for (const propagator of this.propagators) {
      let next: Context;
      try {
        next = propagator.extract(result, carrier, getter);
      } catch (error) {
        diag.debug('spanwise: a propagator failed to extract', error);
        continue;
      }
      const kept = trace.getSpanContext(result);
      if (found && kept !== undefined && trace.getSpanContext(next) !== kept) {
        next = trace.setSpanContext(next, kept);
      }
      found ||= trace.getSpanContext(next) !== before;
      result = next;
    }
    return result;
  }

  fields(): string[] {
    return this.allFields;
  }
}
