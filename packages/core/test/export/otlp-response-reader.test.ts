import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExportResponse,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_RESPONSE_BYTES,
  readExportResponse,
} from '../../src/export/otlp-response-reader.js';
import { ProtobufWriter, VARINT } from '../../src/export/protobuf-writer.js';

const NOTHING: ExportResponse = { rejectedSpans: 0, errorMessage: undefined };

/** `ExportTraceServiceResponse { partial_success { rejected_spans, error_message } }`, written field by field. */
function protobufResponse(rejected: number | undefined, message: string | undefined, padding = 0): Buffer {
  const w = new ProtobufWriter(64);
  w.tag(1, 2);
  const mark = w.startLength(1);
  if (rejected !== undefined) {
    w.tag(1, VARINT);
    w.varint(rejected);
  }
  if (message !== undefined) {
    w.tag(2, 2);
    w.string(message);
  }
  w.endLength(mark);
  if (padding > 0) {
    // An unknown field (15, bytes), which a reader must skip.
    w.tag(15, 2);
    w.bytes(new Uint8Array(padding));
  }
  return w.finish();
}

/** What the OTel decoder this reader replaced makes of a body, under the reader's rules for counts. */
function reference(body: Uint8Array, json: boolean): ExportResponse {
  const decoded = (json ? JsonTraceSerializer : ProtobufTraceSerializer).deserializeResponse(body);
  const partial = decoded.partialSuccess as { rejectedSpans?: unknown; errorMessage?: unknown } | null;
  const raw = partial?.rejectedSpans;
  const count = typeof raw === 'number' || typeof raw === 'string' ? Number(raw) : Number.NaN;
  const message = partial?.errorMessage;
  return {
    rejectedSpans: Number.isSafeInteger(count) && count > 0 ? count : 0,
    errorMessage: typeof message === 'string' ? clean(message) : undefined,
  };
}

function clean(message: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the reader replaces control characters
  const line = message.slice(0, MAX_ERROR_MESSAGE_CHARS).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return line.trim() === '' ? undefined : line;
}

function expectSane(read: ExportResponse): void {
  expect(Number.isSafeInteger(read.rejectedSpans) && read.rejectedSpans >= 0).toBe(true);
  if (read.errorMessage !== undefined) {
    expect(read.errorMessage.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: none may be left
    expect(read.errorMessage).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  }
}

describe('readExportResponse: protobuf', () => {
  it('reads rejected_spans and error_message; an empty body or message is no partial success', () => {
    expect(readExportResponse(protobufResponse(3, 'bad'), 'http/protobuf')).toEqual({
      rejectedSpans: 3,
      errorMessage: 'bad',
    });
    expect(readExportResponse(Buffer.alloc(0), 'http/protobuf')).toEqual(NOTHING);
    expect(readExportResponse(protobufResponse(undefined, undefined), 'http/protobuf')).toEqual(NOTHING);
  });

  it('reads negative, above-2^53 and malformed counts as 0, and cleans the message', () => {
    expect(readExportResponse(protobufResponse(-1, undefined), 'http/protobuf')).toEqual(NOTHING);
    expect(readExportResponse(protobufResponse(2 ** 60, undefined), 'http/protobuf')).toEqual(NOTHING);
    const long = `line1\nline2\u0000${'x'.repeat(2000)}`;
    const read = readExportResponse(protobufResponse(1, long), 'http/protobuf');
    expect(read.rejectedSpans).toBe(1);
    expect(read.errorMessage).toBe(`line1 line2 ${'x'.repeat(MAX_ERROR_MESSAGE_CHARS - 12)}`);
  });

  it('skips a body over the read limit unread, and reads one exactly at it', () => {
    let padding = MAX_RESPONSE_BYTES;
    while (protobufResponse(3, 'bad', padding).length > MAX_RESPONSE_BYTES) padding--;
    const atLimit = protobufResponse(3, 'bad', padding);
    expect(atLimit.length).toBe(MAX_RESPONSE_BYTES);
    expect(readExportResponse(atLimit, 'http/protobuf').rejectedSpans).toBe(3);
    const over = Buffer.concat([atLimit, Buffer.from([0x08, 0x01])]);
    expect(readExportResponse(over, 'http/protobuf')).toEqual(NOTHING);
  });

  it('reads every truncation of a response without throwing, as nothing or as the fields it still holds', () => {
    const body = protobufResponse(3, 'bad');
    for (let end = 0; end < body.length; end++) {
      const read = readExportResponse(body.subarray(0, end), 'http/protobuf');
      // Cut inside partial_success, its length overruns the body: nothing is read.
      expect(read).toEqual(NOTHING);
    }
  });

  it('agrees with the OTel decoder on every response it writes', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { nil: undefined }),
        fc.option(fc.string({ unit: 'binary', maxLength: 700 }), { nil: undefined }),
        fc.nat(300),
        (rejected, message, padding) => {
          const body = protobufResponse(rejected, message, padding);
          expect(readExportResponse(body, 'http/protobuf')).toEqual(reference(body, false));
        },
      ),
    );
  });

  it('never throws on hostile bytes, and agrees with the OTel decoder whenever both read something', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const read = readExportResponse(bytes, 'http/protobuf');
        expectSane(read);
        let expected: ExportResponse | undefined;
        try {
          expected = reference(bytes, false);
        } catch {
          expected = undefined;
        }
        if (read !== NOTHING && expected !== undefined && read.rejectedSpans + expected.rejectedSpans > 0) {
          expect(read).toEqual(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('readExportResponse: OTLP/JSON', () => {
  const read = (text: string) => readExportResponse(Buffer.from(text), 'http/json');

  it('reads the usual answers of a collector', () => {
    expect(read('{"partialSuccess":{}}')).toEqual(NOTHING);
    expect(read('{}')).toEqual(NOTHING);
    expect(read('{"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad"}}')).toEqual({
      rejectedSpans: 3,
      errorMessage: 'bad',
    });
    expect(read(' {\n "partialSuccess" : { "rejectedSpans" : 4 } }\n')).toEqual({
      rejectedSpans: 4,
      errorMessage: undefined,
    });
    expect(read('{"partialSuccess":{"errorMessage":"caf\\u00e9 \\"x\\""}}')).toEqual({
      rejectedSpans: 0,
      errorMessage: 'café "x"',
    });
  });

  it('reads malformed, truncated and non-JSON bodies as no partial success', () => {
    const full = '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad"}}';
    for (let end = 0; end < full.length; end++) expect(read(full.slice(0, end))).toEqual(NOTHING);
    for (const body of [
      '<html><body>502 Bad Gateway</body></html>',
      '[{"partialSuccess":{"rejectedSpans":3}}]',
      '{"partialSuccess":{"rejectedSpans":3}} trailing',
      '{"partialSuccess":{"rejectedSpans":-3}}',
      '{"partialSuccess":{"rejectedSpans":"9007199254740993"}}',
      '{"partialSuccess":{"rejectedSpans":[3]}}',
      `{"a":${'['.repeat(8000)}${']'.repeat(8000)}}`,
      `{"partialSuccess":{"rejectedSpans":3},"deep":${'['.repeat(9000)}}`,
    ]) {
      expect(read(body), body.slice(0, 60)).toEqual(NOTHING);
    }
  });

  it('skips a body over the read limit unread', () => {
    const body = '{"partialSuccess":{"rejectedSpans":3}}';
    expect(read(body.padEnd(MAX_RESPONSE_BYTES)).rejectedSpans).toBe(3);
    expect(read(body.padEnd(MAX_RESPONSE_BYTES + 1))).toEqual(NOTHING);
  });

  it('agrees with JSON.parse on any JSON document, duplicate keys included', () => {
    const count = fc.oneof(
      fc.nat(),
      fc.integer(),
      fc.double(),
      fc.nat().map(String),
      fc.string(),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const partial = fc.oneof(
      fc.record(
        { rejectedSpans: count, errorMessage: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })) },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const member = fc.oneof(
      partial.map((value) => ['partialSuccess', value] as const),
      fc.tuple(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 3 })),
    );
    fc.assert(
      fc.property(fc.array(member, { maxLength: 5 }), fc.constantFrom(0, 1), (members, indent) => {
        // Written by hand so that a key may repeat, as JSON allows (the last one wins).
        const nl = indent ? '\n ' : '';
        const text = `{${members.map(([k, v]) => `${nl}${JSON.stringify(k)}:${JSON.stringify(v, null, indent)}`).join(',')}}`;
        const body = Buffer.from(text);
        if (body.length > MAX_RESPONSE_BYTES) return;
        const readBack = readExportResponse(body, 'http/json');
        expectSane(readBack);
        expect(readBack).toEqual(reference(body, true));
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on hostile text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => {
        expectSane(read(`{"partialSuccess":${text}`));
        expectSane(read(text));
      }),
      { numRuns: 2000 },
    );
  });
});
