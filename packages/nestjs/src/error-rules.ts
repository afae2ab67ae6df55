import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR_EXPECTED_ERROR } from './tracing.constants.js';

/** Decides whether an error is an expected outcome (recorded, but the span's status stays unset). */
export type ExpectedErrorPredicate = (error: unknown) => boolean;

const EXPECTED_CLASS_NAMES: ReadonlySet<string> = new Set(['RpcException', 'WsException']);

function hasClassNamed(error: object, names: ReadonlySet<string>): boolean {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === 'string' && names.has(ctor.name)) return true;
  }
  return false;
}

/**
 * The default rule: an HttpException below 500, an RpcException or a WsException is what the API promises
 * callers, not a fault of the service. Recognised by shape and class name, so copies of @nestjs/* from
 * another realm or version are classified the same way.
 */
export function isExpectedNestError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const getStatus = (error as { getStatus?: unknown }).getStatus;
  if (
    typeof getStatus === 'function' &&
    typeof (error as { getResponse?: unknown }).getResponse === 'function'
  ) {
    const status: unknown = getStatus.call(error);
    return typeof status === 'number' && status < 500;
  }
  return hasClassNamed(error, EXPECTED_CLASS_NAMES);
}

let expectedError: ExpectedErrorPredicate = isExpectedNestError;

/** Installs the module's predicate (or the default one when `undefined`). */
export function setExpectedErrorPredicate(predicate: ExpectedErrorPredicate | undefined): void {
  expectedError = predicate ?? isExpectedNestError;
}

function isExpected(error: unknown): boolean {
  try {
    return expectedError(error) === true;
  } catch {
    return false;
  }
}

function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return typeof error;
}

/**
 * Records `error` on `span`: always an `exception` event; an unexpected error also sets ERROR status and
 * `error.type`, an expected one sets `spanwise.error.expected` instead.
 */
export function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  else span.recordException({ name: errorTypeOf(error), message: String(error) });
  if (isExpected(error)) {
    span.setAttribute(ATTR_EXPECTED_ERROR, true);
    return;
  }
  span.setAttribute('error.type', errorTypeOf(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
