import type { ExportResponse } from './otlp-response-reader.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
/** The byte lengths of the keys the reader looks for; other unescaped keys are skipped without being decoded. */
const WANTED_KEY_LENGTHS = new Set(['partialSuccess', 'rejectedSpans', 'errorMessage'].map((k) => k.length));

/**
 * A forward-only scan of JSON bytes that decodes only what it is asked for and skips everything else by
 * counting brackets: linear in the body, with no recursion and no object tree. Skipped values are checked
 * loosely (strings and brackets, not every comma), which is all that finding two fields needs.
 */
class JsonScanner {
  pos = 0;
  /** Whether the string last skipped holds an escape. */
  private escaped = false;

  constructor(private readonly buf: Uint8Array) {}

  /** The next byte after whitespace, without consuming it; -1 at the end. */
  peek(): number {
    const buf = this.buf;
    while (this.pos < buf.length) {
      const c = buf[this.pos]!;
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
      this.pos++;
    }
    return -1;
  }

  /** Calls `onMember(key)` with the scanner on each member's value, which `onMember` must consume. */
  object(onMember: (key: string) => void): void {
    this.expect(OPEN_OBJECT);
    if (this.peek() === CLOSE_OBJECT) {
      this.pos++;
      return;
    }
    for (;;) {
      const key = this.key();
      this.expect(COLON);
      onMember(key);
      const c = this.peek();
      this.pos++;
      if (c === CLOSE_OBJECT) return;
      if (c !== COMMA) throw new SyntaxError('expected , or }');
    }
  }

  /** A string value, decoded. */
  string(): string {
    const start = this.pos;
    const end = this.skipString();
    const raw = this.text(start, end);
    return raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  /** A number, or a string holding one (int64 in OTLP/JSON); NaN for anything else. */
  number(): number {
    const c = this.peek();
    if (c === QUOTE) return Number(this.string());
    const start = this.pos;
    this.skipValue();
    return c === 0x2d || (c >= 0x30 && c <= 0x39) ? Number(this.text(start, this.pos).trim()) : Number.NaN;
  }

  /** Skips one value of any kind, nested arrays and objects included, by counting brackets. */
  skipValue(): void {
    let depth = 0;
    for (;;) {
      const c = this.peek();
      if (c === -1) throw new SyntaxError('unexpected end');
      if (depth === 0 && (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY)) return;
      if (c === QUOTE) this.skipString();
      else {
        if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
        this.pos++;
      }
    }
  }

  expect(code: number): void {
    if (this.peek() !== code) throw new SyntaxError(`expected ${String.fromCharCode(code)}`);
    this.pos++;
  }

  /** An object key; '' for one the reader cannot want (decoding every key tripled the time on 1,400 keys). */
  private key(): string {
    if (this.peek() !== QUOTE) throw new SyntaxError('expected a key');
    const start = this.pos;
    const end = this.skipString();
    if (!this.escaped && !WANTED_KEY_LENGTHS.has(end - start - 2)) return '';
    this.pos = start;
    return this.string();
  }

  /** Moves past the string starting at `pos`; returns the position after its closing quote. */
  private skipString(): number {
    const buf = this.buf;
    let i = this.pos + 1;
    this.escaped = false;
    for (;;) {
      const c = buf[i];
      if (c === undefined) throw new SyntaxError('unterminated string');
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        this.escaped = true;
        i += 2;
      } else i++;
    }
    this.pos = i + 1;
    return this.pos;
  }

  private text(start: number, end: number): string {
    const buf = this.buf;
    return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
  }
}

/**
 * `{"partialSuccess":{"rejectedSpans":"3","errorMessage":"..."}}` (OTLP/JSON: lowerCamelCase keys, int64 as
 * a string or a number). Anything after the top-level object other than whitespace makes the body unreadable.
 */
export function scanJsonResponse(body: Uint8Array): ExportResponse | undefined {
  const scanner = new JsonScanner(body);
  let rejectedSpans = 0;
  let errorMessage: string | undefined;
  // A repeated key replaces the earlier value, as with JSON.parse.
  scanner.object((key) => {
    if (key !== 'partialSuccess') {
      scanner.skipValue();
      return;
    }
    rejectedSpans = 0;
    errorMessage = undefined;
    if (scanner.peek() !== OPEN_OBJECT) {
      scanner.skipValue();
      return;
    }
    scanner.object((field) => {
      if (field === 'rejectedSpans') rejectedSpans = scanner.number();
      else if (field === 'errorMessage') {
        errorMessage = scanner.peek() === QUOTE ? scanner.string() : undefined;
        if (errorMessage === undefined) scanner.skipValue();
      } else scanner.skipValue();
    });
  });
  return scanner.peek() === -1 ? { rejectedSpans, errorMessage } : undefined;
}
