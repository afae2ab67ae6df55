// Small statistics helpers. Every figure the harness reports is a median over interleaved rounds, so one
// noisy round (another build on the machine) moves it less than a mean would.

/** Median of finite numbers; `null` for an empty list. */
export function median(values) {
  const xs = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** `a / b`, or `null` when either side is missing or `b` is zero. */
export function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return null;
  return a / b;
}

/** Rounds a number for display and JSON, keeping `null` as is. */
export function round(x, digits = 3) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The order of the variants in round `r`: forward on even rounds, reversed on odd ones (ABC, CBA, ABC...),
 * so no variant always runs first, right after a cold start, or last, when the machine is warmest.
 */
export function roundOrder(variants, r) {
  return r % 2 === 0 ? [...variants] : [...variants].reverse();
}
