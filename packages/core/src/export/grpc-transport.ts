import type * as Grpc from '@grpc/grpc-js';
import { logger } from '../logger.js';
import type { ExportConfig } from '../types.js';
import type { ExportOutcome } from './export-outcome.js';
import type { ExportTransport } from './export-transport.js';
import { classifyGrpcOutcome } from './grpc-status.js';
import type { RequestBody } from './otlp-request.js';

const EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
/** The fix named whenever the optional peer dependency is missing. */
const MISSING_GRPC =
  'OTEL_EXPORTER_OTLP_PROTOCOL=grpc needs @grpc/grpc-js, which is not installed: add it to the app ' +
  '(npm install @grpc/grpc-js), or use OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (port 4318)';

// Our encoder already produces the serialized request, and the response is read as bytes: no proto-loader.
const passthrough = (bytes: Buffer): Buffer => bytes;

let warnedMissing = false;

/**
 * `@grpc/grpc-js`, required only when gRPC is chosen: the http/protobuf start-up never pays for it, and it is
 * an optional peer dependency. Undefined (with one warning per process) when the app has not installed it.
 */
function loadGrpc(): typeof Grpc | undefined {
  try {
    return require('@grpc/grpc-js') as typeof Grpc;
  } catch (error) {
    if (!warnedMissing) {
      warnedMissing = true;
      const code = (error as { code?: unknown } | null)?.code;
      const reason = code === 'MODULE_NOT_FOUND' ? '' : ` (${String(error)})`;
      logger.warn(`${MISSING_GRPC}${reason}. Spans are dropped (exportFailed) until then.`);
    }
    return undefined;
  }
}

/**
 * OTLP/gRPC: unary `TraceService/Export` calls on one `@grpc/grpc-js` channel. `http://` endpoints are
 * plaintext, `https://` TLS (trusting `certificate` beside the system CAs); headers go as metadata; gzip is
 * gRPC's own message compression. The call deadline covers connect, send and the whole response.
 */
export class GrpcTransport implements ExportTransport {
  private readonly grpc: typeof Grpc | undefined;
  private readonly client: Grpc.Client | undefined;
  private readonly metadata: Grpc.Metadata | undefined;
  private readonly endpoint: string;

  constructor(config: ExportConfig) {
    this.endpoint = config.endpoint;
    this.grpc = loadGrpc();
    if (this.grpc === undefined) return;
    const url = new URL(config.endpoint);
    const secure = url.protocol === 'https:';
    const target = `${url.hostname}:${url.port || (secure ? '443' : '80')}`;
    const credentials = secure
      ? this.grpc.credentials.createSsl(trustedRoots(config.certificate))
      : this.grpc.credentials.createInsecure();
    const options: Grpc.ChannelOptions =
      config.compression === 'gzip' ? { 'grpc.default_compression_algorithm': 2 } : {};
    this.client = new this.grpc.Client(target, credentials, options);
    this.metadata = buildMetadata(this.grpc, config.headers);
  }

  /** One buffer, built once and re-sent as it is by retries (compression happens in grpc-js). */
  async encodeBody(parts: RequestBody): Promise<RequestBody> {
    return parts.length === 1 ? parts : [Buffer.concat(parts)];
  }

  send(parts: RequestBody, timeoutMs: number, cancel: AbortSignal): Promise<ExportOutcome> {
    const { client, metadata } = this;
    if (client === undefined || metadata === undefined) {
      return Promise.resolve({ kind: 'rejected', error: MISSING_GRPC });
    }
    return new Promise((resolve) => {
      const body = parts.length === 1 ? asBuffer(parts[0]!) : Buffer.concat(parts);
      let cancelled = false;
      const finish = (result: Parameters<typeof classifyGrpcOutcome>[0]): void => {
        cancel.removeEventListener('abort', onCancel);
        if (cancelled && result.code !== 0) result.details = 'cancelled at the shutdown deadline';
        resolve(classifyGrpcOutcome(result, this.endpoint));
      };
      let call: Grpc.ClientUnaryCall | undefined;
      const onCancel = (): void => {
        cancelled = true;
        call?.cancel();
      };
      if (cancel.aborted) {
        cancelled = true;
        finish({ code: 1, response: undefined, details: '', statusDetails: undefined });
        return;
      }
      cancel.addEventListener('abort', onCancel, { once: true });
      try {
        call = client.makeUnaryRequest<Buffer, Buffer>(
          EXPORT_METHOD,
          passthrough,
          passthrough,
          body,
          metadata.clone(),
          { deadline: Date.now() + timeoutMs },
          (error, response) => {
            if (error === null) {
              finish({ code: 0, response, details: '', statusDetails: undefined });
              return;
            }
            const details =
              error.code === 4
                ? `no response within ${timeoutMs} ms (OTEL_EXPORTER_OTLP_TIMEOUT)`
                : // grpc-js ends connection errors with an empty "Resolution note: ".
                  error.details.replace(/\.?\s*Resolution note:\s*$/, '');
            const trailer = error.metadata?.get('grpc-status-details-bin')[0];
            finish({
              code: error.code,
              response: undefined,
              details,
              statusDetails: trailer instanceof Buffer ? trailer : undefined,
            });
          },
        );
      } catch (error) {
        finish({ code: 14, response: undefined, details: String(error), statusDetails: undefined });
      }
    });
  }

  destroy(): void {
    this.client?.close();
  }
}

/** The same bytes as a Buffer, without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The system CAs plus the configured one; undefined (grpc-js's defaults) when none is configured. */
function trustedRoots(certificate: string | undefined): Buffer | null {
  if (certificate === undefined) return null;
  const tls = require('node:tls') as typeof import('node:tls');
  return Buffer.from([...tls.rootCertificates, certificate].join('\n'));
}

/**
 * The OTLP headers as gRPC metadata. gRPC is stricter than HTTP (lower-case keys, printable ASCII values,
 * `-bin` keys for binary): an entry it refuses is left out with a warning, never thrown at export time.
 */
function buildMetadata(grpc: typeof Grpc, headers: Record<string, string>): Grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(headers)) {
    try {
      if (key.endsWith('-bin')) metadata.add(key, Buffer.from(value));
      else metadata.add(key, value);
    } catch {
      // grpc-js's own message quotes the value, which may be a credential: name the key only.
      logger.warn(
        `OTEL_EXPORTER_OTLP_HEADERS entry ${JSON.stringify(key)} is not valid gRPC metadata (keys: lower-case ` +
          'letters, digits, "-", "_" and "."; values: printable ASCII); it is not sent.',
      );
    }
  }
  return metadata;
}
