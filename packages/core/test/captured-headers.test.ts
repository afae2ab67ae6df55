import { describe, expect, it } from 'vitest';
import { resolveCapturedHeaders } from '../src/config/captured-headers.js';
import { EnvReader } from '../src/config/env-reader.js';
import { resolveHttpConfig } from '../src/config/http-config.js';
import { captureStderr } from './capture-stderr.js';

const stderr = captureStderr();

describe('captured headers', () => {
  it('lower-cases and dedupes names; a credential or a malformed name warns, naming the variable', () => {
    const headers = resolveCapturedHeaders(
      new EnvReader({
        OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST: 'X-Tenant,x-tenant, ,Cookie,bad name',
      }),
    );
    expect(headers).toEqual({
      serverRequest: ['x-tenant'],
      serverResponse: [],
      clientRequest: [],
      clientResponse: [],
    });
    expect(stderr).toEqual([
      '[spanwise] WARN OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST names "cookie", which carries credentials and is never recorded; leaving it out.',
      '[spanwise] WARN OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST entry "bad name" is not an HTTP header name; leaving it out.',
    ]);
  });

  it('a pasted name and value is named by position, never printed', () => {
    const headers = resolveCapturedHeaders(
      new EnvReader({
        OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST:
          'x-tenant,X-Api-Key: s3cr3t-token,token=hunter2',
      }),
    );
    expect(headers.clientRequest).toEqual(['x-tenant']);
    expect(stderr.join('\n')).not.toMatch(/s3cr3t|hunter2/i);
    expect(stderr).toEqual([
      '[spanwise] WARN OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST entry 2 looks like a header with its value (only names are listed; its text is not shown); leaving it out.',
      '[spanwise] WARN OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST entry 3 looks like a header with its value (only names are listed; its text is not shown); leaving it out.',
    ]);
  });

  it('an option list replaces its variable only', () => {
    const headers = resolveCapturedHeaders(
      new EnvReader({
        OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST: 'x-a',
        OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_REQUEST: 'x-b',
      }),
      { serverRequest: ['X-C', 'Set-Cookie', 42 as unknown as string] },
    );
    expect(headers.serverRequest).toEqual(['x-c']);
    expect(headers.clientRequest).toEqual(['x-b']);
    expect(stderr[0]).toContain('TracingOptions.http.captureHeaders.serverRequest names "set-cookie"');
  });

  it('with nothing configured, nothing runs per request: no server step, no client option', () => {
    const config = resolveHttpConfig(new EnvReader({}));
    expect(config.server).toEqual({ onRequest: undefined, onResponse: undefined });
    expect(config.client).toEqual({ http: {}, undici: {} });
    expect(stderr).toEqual([]);
  });

  it('a hook that is not a function warns and is left out', () => {
    const config = resolveHttpConfig(new EnvReader({}), {
      serverRequestHook: 1 as unknown as () => void,
    });
    expect(config.server?.onRequest).toBeUndefined();
    expect(stderr).toEqual([
      '[spanwise] WARN TracingOptions.http.serverRequestHook is a number, not a function; ignoring it.',
    ]);
  });
});
