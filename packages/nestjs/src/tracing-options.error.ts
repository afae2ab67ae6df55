/** Thrown at startup when `TracingModule` receives options it cannot use. */
export class TracingOptionsError extends Error {
  override readonly name = 'TracingOptionsError';
}

/** True for a {@link TracingOptionsError}, also one from another copy of this package. */
export function isTracingOptionsError(error: unknown): error is TracingOptionsError {
  return error instanceof Error && error.name === 'TracingOptionsError';
}
