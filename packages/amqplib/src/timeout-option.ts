/** Longest delay `setTimeout` honours; a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

const warned = new Set<string>();

/**
 * A timeout option in ms: `0` disables the timeout, as in every option of this package (`timeoutMs`,
 * `settleTimeoutMs`). A negative, non-numeric or NaN value warns (once per option and value) and gives
 * `fallback`; one above {@link MAX_TIMEOUT_MS} (Infinity included) warns and is clamped to it.
 *
 * The warning is a process warning, not a `diag` message: options are checked once, at set-up, and `diag`
 * stays silent unless a logger is installed, which would hide the mistake.
 */
export function resolveTimeoutMs(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value >= 0 && value <= MAX_TIMEOUT_MS) return value;
  const tooLong = typeof value === 'number' && value > MAX_TIMEOUT_MS;
  const used = tooLong ? MAX_TIMEOUT_MS : fallback;
  const key = `${option}=${String(value)}`;
  if (!warned.has(key)) {
    warned.add(key);
    process.emitWarning(
      `@spanwise/amqplib: ${option} ${String(value)} is not a number of ms from 0 (no timeout) to ` +
        `${MAX_TIMEOUT_MS}; using ${used} instead`,
      'SpanwiseWarning',
    );
  }
  return used;
}
