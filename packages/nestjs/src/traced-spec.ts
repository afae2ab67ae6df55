import type { Attributes, SpanKind, SpanOptions } from '@opentelemetry/api';
import type { ResultHook } from './span-completion.js';

/** Options of `@Traced`. */
export interface TracedOptions {
  /** Span name, a fixed string. Default: `ClassName.method`. Put dynamic values in `attributes`. */
  name?: string;
  /** Span kind. Default: INTERNAL. */
  kind?: SpanKind;
  /**
   * Attributes set when the span starts: a fixed set, or a function of the call's arguments. Nothing from
   * the arguments is recorded unless this function records it.
   */
  attributes?: Attributes | ((...args: never[]) => Attributes);
  /**
   * Called with the span and the result once the work succeeds: the return value, the resolved value of a
   * promise or thenable, each value an Observable emits or an async iterator yields. Errors it throws are
   * ignored.
   */
  onResult?: ResultHook;
  /** Start a new trace instead of a child of the active span (for jobs, consumers). Default: false. */
  root?: boolean;
}

/** Everything the wrapper needs per call, computed once per decorated method. */
export interface TracedSpec {
  readonly name: string;
  /** Reused on every call when the attributes do not depend on the arguments. */
  readonly options: SpanOptions;
  readonly attributesOf: ((...args: unknown[]) => Attributes) | undefined;
  readonly onResult: ResultHook | undefined;
  readonly root: boolean;
}

/** Builds the per-method spec from the decorator's options. */
export function toTracedSpec(defaultName: string, options: TracedOptions): TracedSpec {
  const attributes = options.attributes;
  const dynamic = typeof attributes === 'function';
  const spanOptions: SpanOptions = {};
  if (options.kind !== undefined) spanOptions.kind = options.kind;
  if (attributes !== undefined && !dynamic) spanOptions.attributes = attributes;
  return {
    name: options.name ?? defaultName,
    options: spanOptions,
    attributesOf: dynamic ? (attributes as (...args: unknown[]) => Attributes) : undefined,
    onResult: options.onResult,
    root: options.root === true,
  };
}
