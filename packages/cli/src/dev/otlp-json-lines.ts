import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import type protobuf from 'protobufjs';
import { otlpSchema } from '../receiver/otlp-schema.js';

/**
 * The request in OTLP/JSON: the protobuf JSON mapping, except that trace and span ids are hex.
 * int64s stay strings and enums numbers, as the OTLP/JSON spec allows.
 */
export function toOtlpJson(message: protobuf.Message): Record<string, unknown> {
  const object = otlpSchema().request.toObject(message, { longs: String, enums: Number, bytes: String });
  for (const resourceSpans of listOf(object.resourceSpans)) {
    for (const scopeSpans of [
      ...listOf(resourceSpans.scopeSpans),
      ...listOf(resourceSpans.instrumentationLibrarySpans),
    ]) {
      for (const span of listOf(scopeSpans.spans)) {
        base64IdsToHex(span);
        for (const link of listOf(span.links)) base64IdsToHex(link);
      }
    }
  }
  return object;
}

function base64IdsToHex(object: Record<string, unknown>): void {
  for (const field of ['traceId', 'spanId', 'parentSpanId']) {
    const value = object[field];
    if (typeof value === 'string') object[field] = Buffer.from(value, 'base64').toString('hex');
  }
}

function listOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

/** Appends each received request to a file as one OTLP/JSON line (the Collector file exporter's format). */
export class OtlpJsonLinesFile {
  private readonly stream: WriteStream;
  private failed = false;

  /** Opens (and truncates) `path` now, so a bad path fails at startup rather than at the first span. */
  constructor(
    readonly path: string,
    onError: (error: Error) => void,
  ) {
    const fd = openSync(path, 'w');
    try {
      this.stream = createWriteStream('', { fd });
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.stream.on('error', (error) => {
      // One report, then stop writing: a full disk must not take the receiver down.
      if (!this.failed) onError(error);
      this.failed = true;
    });
  }

  write(message: protobuf.Message): void {
    if (!this.failed) this.stream.write(`${JSON.stringify(toOtlpJson(message))}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }
}
