// The encoder's memo of attribute pairs: what it hands back, and the bounds that keep a changing key from
// costing a copy per span.
import { describe, expect, it } from 'vitest';
import { EncodedMemo } from '../../src/export/encoded-memo.js';

const bytes = (n: number) => Uint8Array.of(n);

/** One encoder step: the memo's bytes on a hit, otherwise what is remembered when the memo asks for it. */
function encode(
  memo: EncodedMemo,
  key: string,
  value: string,
  encoded: Uint8Array,
): Uint8Array | 'copied' | 'not copied' {
  const known = memo.pair(key, value);
  if (known !== undefined) return known;
  if (!memo.wantsPair()) return 'not copied';
  memo.rememberPair(key, value, encoded);
  return 'copied';
}

describe('EncodedMemo', () => {
  it('hands back the last pair of a key while its value stays the same', () => {
    const memo = new EncodedMemo();
    expect(encode(memo, 'k', 'a', bytes(1))).toBe('copied');
    expect(encode(memo, 'k', 'a', bytes(9))).toEqual(bytes(1));
    expect(encode(memo, 'k', 'b', bytes(2))).toBe('copied');
    expect(encode(memo, 'k', 'b', bytes(9))).toEqual(bytes(2));
    expect(memo.pair('k', 'a')).toBeUndefined();
  });

  it('stops copying a key whose value changed 8 times in a row, until its remembered value comes back', () => {
    const memo = new EncodedMemo();
    const steps = Array.from({ length: 12 }, (_, i) => encode(memo, 'port', String(i), bytes(i)));
    // The first value, then 8 changes copied; from then on, none.
    expect(steps).toEqual([...Array(9).fill('copied'), 'not copied', 'not copied', 'not copied']);
    // The value remembered last (8) comes back: a hit, and the key is copied again on its next change.
    expect(encode(memo, 'port', '8', bytes(0))).toEqual(bytes(8));
    expect(encode(memo, 'port', 'x', bytes(7))).toBe('copied');
    expect(encode(memo, 'port', 'x', bytes(0))).toEqual(bytes(7));
  });

  it('remembers at most 512 keys and no pair longer than 128 bytes', () => {
    const memo = new EncodedMemo();
    for (let i = 0; i < 600; i++) encode(memo, `key${i}`, 'v', bytes(i & 255));
    expect(memo.pair('key511', 'v')).toEqual(bytes(511 & 255));
    expect(memo.pair('key512', 'v')).toBeUndefined();
    expect(encode(memo, 'key0', 'long', new Uint8Array(129))).toBe('copied');
    expect(memo.pair('key0', 'long')).toBeUndefined();
  });
});
