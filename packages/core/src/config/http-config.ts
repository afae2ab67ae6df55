import type { HttpOptions } from '../http-options.js';
import {
  createIgnoreRule,
  type IgnoreRule,
  parseIgnorePaths,
} from '../instrumentations/http-server/ignored-request.js';
import { logger } from '../logger.js';
import type { EnvReader } from './env-reader.js';

/** The HTTP settings the instrumentations read, resolved once at start-up. */
export interface HttpConfig {
  /** Which incoming requests make no span; `undefined` when nothing is ignored. */
  ignoreIncomingRequest?: IgnoreRule | undefined;
}

/** Merges `TracingOptions.http` over the environment. Bad entries warn and are skipped. */
export function resolveHttpConfig(env: EnvReader, options: HttpOptions = {}): HttpConfig {
  const paths =
    options.ignorePaths !== undefined
      ? parseIgnorePaths(options.ignorePaths, 'TracingOptions.http.ignorePaths')
      : parseIgnorePaths(
          (env.raw('SPANWISE_HTTP_IGNORE_PATHS') ?? '').split(','),
          'SPANWISE_HTTP_IGNORE_PATHS',
        );
  const predicate = options.ignoreIncomingRequest;
  if (predicate !== undefined && typeof predicate !== 'function') {
    logger.warn(
      `TracingOptions.http.ignoreIncomingRequest is a ${typeof predicate}, not a function; ignoring it.`,
    );
  }
  return {
    ignoreIncomingRequest: createIgnoreRule(paths, typeof predicate === 'function' ? predicate : undefined),
  };
}
