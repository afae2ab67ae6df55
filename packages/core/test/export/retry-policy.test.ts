import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/export/circuit-breaker.js';
import {
  backoffDelay,
  isRetryable,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
} from '../../src/export/retry-policy.js';

describe('retry policy', () => {
  it('retries network errors, 429, 502, 503 and 504 only', () => {
    expect([0, 429, 502, 503, 504].every(isRetryable)).toBe(true);
    expect([400, 401, 404, 413, 500].some(isRetryable)).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date, capped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('86400', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially up to the maximum, with jitter in the upper half', () => {
    expect(backoffDelay(1, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(10, 100, 1000, () => 0)).toBe(500);
  });
});

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and closes on a success', () => {
    const breaker = new CircuitBreaker(3);
    expect([breaker.failed(), breaker.failed()]).toEqual([false, false]);
    breaker.succeeded();
    expect([breaker.failed(), breaker.failed(), breaker.failed()]).toEqual([false, false, true]);
    expect(breaker.state).toBe('open');
    breaker.probing();
    expect(breaker.state).toBe('half-open');
    expect(breaker.failed()).toBe(true);
    breaker.probing();
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
  });
});
