import {
  type BaggageEntry,
  type Context,
  propagation,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { firstValue } from './hex-id.js';

/** At most this many baggage entries are read from, or written as, prefixed headers (W3C baggage's limit). */
export const MAX_BAGGAGE_ENTRIES = 180;
/** A prefixed baggage header longer than this (W3C baggage's per-entry limit, in characters) reads as absent. */
export const MAX_BAGGAGE_VALUE_LENGTH = 4096;

// RFC 9110 token: the only keys that make a valid header name once prefixed.
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$/;

/** How a format escapes baggage values: `query` also reads `+` as a space (Go's url.QueryEscape, Ruby's CGI.escape). */
export type BaggageEscaping = 'uri' | 'query';

/** Percent-decodes `value` (and `+` as space for `query`); a malformed escape keeps the value as it came. */
export function unescapeBaggageValue(value: string, escaping: BaggageEscaping): string {
  const spaced = escaping === 'query' && value.includes('+') ? value.replaceAll('+', ' ') : value;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** Whether `text` starts with the lower-case ASCII `prefix` in any case, without allocating. */
function startsWithAnyCase(text: string, prefix: string): boolean {
  if (text.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII upper-case letters are lower-case ones minus 32.
    if (c !== prefix.charCodeAt(i) && !(c >= 65 && c <= 90 && c + 32 === prefix.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Reads `{prefix}{key}: value` headers into the baggage of `ctx`. The prefix matches case-insensitively
 * (AMQP tables keep the sender's case), the key keeps the sender's case. The baggage is built once: each
 * `setEntry` copies every entry, which made 400 headers cost milliseconds.
 */
export function extractPrefixedBaggage<C>(
  ctx: Context,
  carrier: C,
  getter: TextMapGetter<C>,
  prefix: string,
  escaping: BaggageEscaping,
): Context {
  let entries: Map<string, BaggageEntry> | undefined;
  for (const header of getter.keys(carrier)) {
    if (header.length === prefix.length || !startsWithAnyCase(header, prefix)) continue;
    const raw = firstValue(getter.get(carrier, header));
    if (typeof raw !== 'string' || raw.length > MAX_BAGGAGE_VALUE_LENGTH) continue;
    entries ??= new Map();
    entries.set(header.slice(prefix.length), { value: unescapeBaggageValue(raw, escaping) });
    if (entries.size >= MAX_BAGGAGE_ENTRIES) break;
  }
  return entries === undefined ? ctx : mergeBaggage(ctx, entries);
}

/** `ctx` with `entries` added to its baggage (replacing same-named ones), in one copy. */
export function mergeBaggage(ctx: Context, entries: ReadonlyMap<string, BaggageEntry>): Context {
  const all: Record<string, BaggageEntry> = Object.create(null);
  const put = (key: string, entry: BaggageEntry) =>
    Object.defineProperty(all, key, { value: entry, enumerable: true, writable: true, configurable: true });
  for (const [key, entry] of propagation.getBaggage(ctx)?.getAllEntries() ?? []) put(key, entry);
  for (const [key, entry] of entries) put(key, entry);
  return propagation.setBaggage(ctx, propagation.createBaggage(all));
}

// Printable ASCII without `%`, no space at either end: every reader, decoding or not, reads it unchanged.
const PLAIN_VALUE = /^(?:[\x21-\x24\x26-\x7e](?:[\x20-\x24\x26-\x7e]*[\x21-\x24\x26-\x7e])?)?$/;

/**
 * Writes the baggage of `ctx` as `{prefix}{key}` headers. Values are percent-encoded `always`, or only
 * `whenNeeded`: a plain printable-ASCII value is sent as it is, for readers that do not decode (OpenTracing
 * clients), while anything else is encoded for those that do (Kong). Keys that would not make a valid
 * header name, and values that cannot be encoded (lone surrogates), are skipped.
 */
export function injectPrefixedBaggage<C>(
  ctx: Context,
  carrier: C,
  setter: TextMapSetter<C>,
  prefix: string,
  encode: 'always' | 'whenNeeded',
): void {
  const baggage = propagation.getBaggage(ctx);
  if (baggage === undefined) return;
  let count = 0;
  for (const [key, entry] of baggage.getAllEntries()) {
    if (!TOKEN.test(key) || typeof entry.value !== 'string') continue;
    let value = entry.value;
    if (encode === 'always' || !PLAIN_VALUE.test(value)) {
      try {
        value = encodeURIComponent(value);
      } catch {
        continue;
      }
    }
    setter.set(carrier, `${prefix}${key}`, value);
    if (++count >= MAX_BAGGAGE_ENTRIES) return;
  }
}
