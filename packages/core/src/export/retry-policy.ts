/** Statuses worth retrying: the collector is overloaded or a proxy in front of it is. Never 400. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Longest `Retry-After` honoured, in ms: a server asking for more is not waited for beyond this. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Whether a failed request (status 0: no response) may succeed if sent again. */
export function isRetryable(status: number): boolean {
  return status === 0 || RETRYABLE_STATUS.has(status);
}

/** `Retry-After` as a delay in ms (delta-seconds or an HTTP date), capped; undefined when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Exponential backoff with jitter for the given attempt (1 = first retry): the delay doubles up to `maxMs`,
 * and a random half of it is shaved off so that many processes do not retry in step.
 */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
