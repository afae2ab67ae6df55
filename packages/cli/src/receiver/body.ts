import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';

/** Thrown when a body, compressed or not, exceeds the limit; the receiver answers 413. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Thrown when a gzip body does not inflate; the receiver answers 400. */
export class BadEncodingError extends Error {
  override readonly name = 'BadEncodingError';
}

/**
 * Reads a request body up to `maxBytes`. Rejects with BodyTooLargeError as soon as the declared or
 * received length passes the limit, and stops reading there.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) {
      reject(new BodyTooLargeError(`body of ${declared} bytes is over the ${maxBytes} byte limit`));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        req.off('data', onData);
        req.pause();
        reject(new BodyTooLargeError(`body is over the ${maxBytes} byte limit`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, received)));
    req.once('error', reject);
  });
}

/** Inflates a gzip body, refusing to inflate past `maxBytes` (a small body can inflate to gigabytes). */
export function gunzipBody(body: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (error, inflated) => {
      if (error === null) resolve(inflated);
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(new BodyTooLargeError(`gzip body inflates past the ${maxBytes} byte limit`));
      } else reject(new BadEncodingError(`gzip body does not inflate: ${error.message}`));
    });
  });
}
