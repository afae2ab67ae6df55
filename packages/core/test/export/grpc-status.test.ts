import { describe, expect, it } from 'vitest';
import { classifyGrpcOutcome, type GrpcResult, retryInfoDelay } from '../../src/export/grpc-status.js';

/** A length-delimited field with a one-byte tag and length. */
const field = (n: number, bytes: Buffer): Buffer =>
  Buffer.concat([Buffer.from([(n << 3) | 2, bytes.length]), bytes]);
const varint = (n: number, value: number): Buffer => Buffer.from([n << 3, value]);
const retryInfo = (typeUrl: string, seconds: number, nanosByte: number): Buffer =>
  field(
    3,
    Buffer.concat([
      field(1, Buffer.from(typeUrl)),
      field(2, field(1, Buffer.concat([varint(1, seconds), varint(2, nanosByte)]))),
    ]),
  );
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const result = (code: number, statusDetails?: Buffer): GrpcResult => ({
  code,
  response: undefined,
  details: 'why',
  statusDetails,
});

describe('gRPC status classification', () => {
  it('reads RetryInfo.retry_delay from google.rpc.Status details', () => {
    const status = Buffer.concat([
      varint(1, 8),
      field(2, Buffer.from('slow down')),
      retryInfo(RETRY_INFO, 2, 0),
    ]);
    expect(retryInfoDelay(status)).toBe(2000);
    expect(retryInfoDelay(retryInfo(RETRY_INFO, 0, 100))).toBe(0);
  });

  it('ignores other details, and malformed or absent statuses', () => {
    expect(retryInfoDelay(retryInfo('type.googleapis.com/google.rpc.DebugInfo', 2, 0))).toBeUndefined();
    expect(retryInfoDelay(retryInfo(RETRY_INFO, 2, 0).subarray(0, 10))).toBeUndefined();
    expect(retryInfoDelay(Buffer.from([0xff, 0xff]))).toBeUndefined();
    expect(retryInfoDelay(undefined)).toBeUndefined();
  });

  it('caps the delay like Retry-After', () => {
    expect(retryInfoDelay(retryInfo(RETRY_INFO, 120, 0))).toBe(30_000);
  });

  it.each([
    [1, 'retry'],
    [2, 'rejected'],
    [3, 'rejected'],
    [4, 'retry'],
    [7, 'rejected'],
    [8, 'rejected'],
    [10, 'retry'],
    [11, 'retry'],
    [12, 'rejected'],
    [13, 'rejected'],
    [14, 'retry'],
    [15, 'retry'],
    [16, 'rejected'],
  ])('code %i is %s (OTLP/gRPC failures)', (code, kind) => {
    expect(classifyGrpcOutcome(result(code), 'http://c:4317').kind).toBe(kind);
  });

  it('splits a request over the server message size (RESOURCE_EXHAUSTED "larger than max")', () => {
    const details = 'Received message larger than max (5000000 vs. 4194304)';
    expect(classifyGrpcOutcome({ ...result(8), details }, 'http://c:4317').kind).toBe('too-large');
  });

  it("keeps a server's status details to one bounded, printable line", () => {
    const details = `down\r\n\u001b[31mforged log line${'x'.repeat(100_000)}`;
    const outcome = classifyGrpcOutcome({ ...result(14), details }, 'http://c:4317');
    const error = outcome.kind === 'retry' ? outcome.error : '';
    expect(error).toMatch(/^gRPC UNAVAILABLE from http:\/\/c:4317: down {3}\[31mforged log linex+$/);
    expect(error.length).toBeLessThan(1100);
  });

  it('retries RESOURCE_EXHAUSTED only with RetryInfo, after its delay', () => {
    expect(classifyGrpcOutcome(result(8, retryInfo(RETRY_INFO, 1, 0)), 'http://c:4317')).toEqual({
      kind: 'retry',
      error: 'gRPC RESOURCE_EXHAUSTED from http://c:4317: why',
      retryAfterMs: 1000,
    });
  });
});
