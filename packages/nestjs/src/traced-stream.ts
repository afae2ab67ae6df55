import { finished } from 'node:stream';
import type { Span } from '@opentelemetry/api';
import { endCancelled, endWithError } from './span-completion.js';

interface StreamLike {
  pipe?: unknown;
  on?: unknown;
  getStream?: unknown;
}

function isReadable(value: unknown): value is NodeJS.ReadableStream {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as StreamLike;
  return (
    typeof candidate.pipe === 'function' && typeof candidate.on === 'function' && 'readable' in candidate
  );
}

/** The Node stream behind a result: a Readable itself, or the one a Nest `StreamableFile` wraps. */
export function streamOf(value: unknown): NodeJS.ReadableStream | undefined {
  if (isReadable(value)) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const getStream = (value as StreamLike).getStream;
  if (typeof getStream !== 'function') return undefined;
  const stream: unknown = getStream.call(value);
  return isReadable(stream) ? stream : undefined;
}

/** Ends `span` when `stream` has been read to the end, fails, or is closed early (cancelled). */
export function endWhenStreamFinishes(stream: NodeJS.ReadableStream, span: Span): void {
  finished(stream, (error) => {
    if (error === undefined || error === null) span.end();
    else if ((error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') endCancelled(span);
    else endWithError(span, error);
  });
}
