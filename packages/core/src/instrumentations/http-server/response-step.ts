import type { ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';

/** The step to run on a traced response when it closes, before its span ends (header capture, the user's hook). */
export const RESPONSE_STEP = Symbol.for('spanwise.http.responseStep');

/** A response that may carry that step: set only when one is configured, so an unconfigured app writes nothing. */
export interface ResponseStep {
  [RESPONSE_STEP]?: (span: Span, response: ServerResponse) => void;
}
