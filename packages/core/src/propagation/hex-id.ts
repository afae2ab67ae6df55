const LOWER_HEX = /^[0-9a-f]+$/;
const ANY_HEX = /^[0-9a-fA-F]+$/;
const ALL_ZERO = /^0+$/;

/** Which hex case a format's readers accept. */
export type HexCase = 'lower' | 'any';

/**
 * Reads one hex id field of a propagation header: `lengths` are the lengths the format allows, `width` the
 * length OpenTelemetry uses (32 for a trace id, 16 for a span id). Shorter ids are left-padded with zeros,
 * upper-case hex is lower-cased where the format allows it, and an all-zero id is refused: every id this
 * returns is valid on the W3C wire. The length is checked before any regex runs, so a huge value costs
 * nothing.
 */
export function readHexId(
  raw: string | undefined,
  lengths: { min: number; max: number; exact?: readonly number[] },
  width: number,
  hexCase: HexCase,
): string | undefined {
  if (raw === undefined || raw.length < lengths.min || raw.length > lengths.max) return undefined;
  if (lengths.exact !== undefined && !lengths.exact.includes(raw.length)) return undefined;
  if (!(hexCase === 'lower' ? LOWER_HEX : ANY_HEX).test(raw)) return undefined;
  if (ALL_ZERO.test(raw)) return undefined;
  const lower = hexCase === 'lower' ? raw : raw.toLowerCase();
  return lower.length === width ? lower : lower.padStart(width, '0');
}

/** The first value of a getter result (HTTP getters may return arrays), or undefined. */
export function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
