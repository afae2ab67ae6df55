import type { Attributes } from '@opentelemetry/api';
import { cleanAttributes } from '@opentelemetry/core';

/** No limits: the attributes a span starts with are cleaned once before sampling, as in the SDK. */
const NO_LIMITS = {
  attributeCountLimit: Number.POSITIVE_INFINITY,
  attributeValueLengthLimit: Number.POSITIVE_INFINITY,
};

const NOTHING = { droppedAttributesCount: 0, count: 0, longestString: 0 } as const;

/** Attributes cleaned of what the specification does not allow, with how many were dropped for that. */
export interface CleanedAttributes {
  attributes: Attributes;
  droppedAttributesCount: number;
  /** How many attributes `attributes` holds. */
  count: number;
  /** The length of the longest string value, to know without another pass whether a length limit applies. */
  longestString: number;
}

/**
 * The SDK's first pass over a span's start attributes (`cleanAttributes` with no limits), with a fast path:
 * strings, numbers and booleans under non-empty keys are copied as they are, which is all that pass does
 * to them. Anything else (arrays, maps, bytes, invalid values) sends the whole object through
 * `cleanAttributes`, so every case the fast path does not know is the SDK's own code.
 */
export function cleanStartAttributes(input: Attributes | undefined): CleanedAttributes {
  const attributes: Attributes = {};
  if (input === undefined || input === null || typeof input !== 'object') return { attributes, ...NOTHING };
  let longestString = 0;
  let count = 0;
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined) continue;
    const type = typeof value;
    // `__proto__` assigned to a plain object sets no property: the SDK's code decides what that means.
    if (
      key.length === 0 ||
      key === '__proto__' ||
      (type !== 'string' && type !== 'number' && type !== 'boolean')
    ) {
      return slowPath(input);
    }
    if (type === 'string' && (value as string).length > longestString)
      longestString = (value as string).length;
    count++;
    attributes[key] = value;
  }
  return { attributes, droppedAttributesCount: 0, count, longestString };
}

function slowPath(input: Attributes): CleanedAttributes {
  const cleaned = cleanAttributes(input, NO_LIMITS);
  const attributes = cleaned.attributes ?? {};
  return {
    attributes,
    count: Object.keys(attributes).length,
    droppedAttributesCount: cleaned.droppedAttributesCount ?? 0,
    // Unknown: have the limits applied.
    longestString: Number.POSITIVE_INFINITY,
  };
}
