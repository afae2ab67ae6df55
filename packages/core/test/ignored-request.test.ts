import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../src/config/env-reader.js';
import { resolveHttpConfig } from '../src/config/http-config.js';
import { createIgnoreRule, parseIgnorePaths } from '../src/instrumentations/http-server/ignored-request.js';
import { captureStderr } from './capture-stderr.js';

const stderr = captureStderr();
const request = (url: string | undefined, headers: Record<string, string> = {}) =>
  ({ url, headers }) as unknown as IncomingMessage;

describe('ignore rules', () => {
  const rule = createIgnoreRule(parseIgnorePaths(['/health', '/internal/*', ' /ready '], 'TEST'), undefined)!;

  it.each([
    ['/health', true],
    ['/health?verbose=1', true],
    ['/health#x', true],
    ['/ready', true],
    ['/internal/', true],
    ['/internal/metrics/deep', true],
    ['http://proxy.example/health', true],
    ['/healthz', false],
    ['/Health', false],
    ['/internal', false],
    ['/', false],
    [undefined, false],
    ['*', false],
  ])('%s ignored: %s', (url, ignored) => {
    expect(rule(request(url))).toBe(ignored);
  });

  it('costs nothing when nothing is configured', () => {
    expect(createIgnoreRule(parseIgnorePaths([], 'TEST'), undefined)).toBeUndefined();
    expect(resolveHttpConfig(new EnvReader({})).ignoreIncomingRequest).toBeUndefined();
  });

  it('warns about an entry that is not a path, names the variable, and keeps the others', () => {
    const config = resolveHttpConfig(new EnvReader({ SPANWISE_HTTP_IGNORE_PATHS: 'health,,/live' }));
    expect(stderr).toEqual([
      '[spanwise] WARN SPANWISE_HTTP_IGNORE_PATHS entry "health" is not a path starting with "/"; ignoring the entry.',
    ]);
    expect(config.ignoreIncomingRequest!(request('/live'))).toBe(true);
    expect(config.ignoreIncomingRequest!(request('/health'))).toBe(false);
  });

  it('the option replaces the variable, and the predicate adds to the paths', () => {
    const config = resolveHttpConfig(new EnvReader({ SPANWISE_HTTP_IGNORE_PATHS: '/live' }), {
      ignorePaths: ['/ready'],
      ignoreIncomingRequest: (req) => req.headers['user-agent'] === 'probe',
    });
    expect(config.ignoreIncomingRequest!(request('/live'))).toBe(false);
    expect(config.ignoreIncomingRequest!(request('/ready'))).toBe(true);
    expect(config.ignoreIncomingRequest!(request('/x', { 'user-agent': 'probe' }))).toBe(true);
  });

  it('a predicate that throws traces the request, and is reported once', () => {
    const config = resolveHttpConfig(new EnvReader({}), {
      ignoreIncomingRequest: () => {
        throw new Error('boom');
      },
    });
    expect(config.ignoreIncomingRequest!(request('/a'))).toBe(false);
    expect(config.ignoreIncomingRequest!(request('/b'))).toBe(false);
    expect(stderr).toEqual([
      '[spanwise] WARN TracingOptions.http.ignoreIncomingRequest threw (Error: boom); the request is traced. Further throws are not reported.',
    ]);
  });

  it('a predicate that is not a function warns and is left out', () => {
    const config = resolveHttpConfig(new EnvReader({}), {
      ignoreIncomingRequest: 'yes' as unknown as () => boolean,
    });
    expect(config.ignoreIncomingRequest).toBeUndefined();
    expect(stderr[0]).toContain('TracingOptions.http.ignoreIncomingRequest is a string, not a function');
  });
});
