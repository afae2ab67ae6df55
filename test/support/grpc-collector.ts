import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { decodeRequest } from '../../packages/cli/src/receiver/decode.js';
import type { ReceivedSpan } from '../../packages/cli/src/receiver/received-span.js';

/** One `Export` call as the collector saw it. */
export interface GrpcExportCall {
  spans: ReceivedSpan[];
  metadata: grpc.Metadata;
}

/** How the collector answers one call: OK (optionally with a partial success), an error, or never. */
export type GrpcAnswer =
  | { ok: true; rejectedSpans?: number }
  | { code: grpc.status; details: string; retryDelayMs?: number }
  | 'hang';

const passthrough = (bytes: Buffer): Buffer => bytes;

// google.rpc.Status and google.rpc.RetryInfo as googleapis/google/rpc/{status,error_details}.proto define them.
const rpc = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
            Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            RetryInfo: { fields: { retry_delay: { type: 'google.protobuf.Duration', id: 1 } } },
          },
        },
      },
    },
    // The pinned official schema predates partial_success (opentelemetry-proto v0.19, trace_service.proto).
    opentelemetry: {
      nested: {
        ExportTraceServiceResponse: {
          fields: { partial_success: { type: 'opentelemetry.ExportTracePartialSuccess', id: 1 } },
        },
        ExportTracePartialSuccess: {
          fields: { rejected_spans: { type: 'int64', id: 1 }, error_message: { type: 'string', id: 2 } },
        },
      },
    },
  },
});
const ExportResponse = rpc.lookupType('opentelemetry.ExportTraceServiceResponse');
const Status = rpc.lookupType('google.rpc.Status');
const RetryInfo = rpc.lookupType('google.rpc.RetryInfo');

/** The `grpc-status-details-bin` trailer of a status carrying `RetryInfo { retry_delay }`. */
function retryInfoTrailer(code: number, message: string, delayMs: number): Buffer {
  const info = RetryInfo.encode({
    retry_delay: { seconds: Math.floor(delayMs / 1000), nanos: (delayMs % 1000) * 1e6 },
  }).finish();
  return Buffer.from(
    Status.encode({
      code,
      message,
      details: [{ type_url: 'type.googleapis.com/google.rpc.RetryInfo', value: info }],
    }).finish(),
  );
}

/**
 * A real `@grpc/grpc-js` server implementing `opentelemetry.proto.collector.trace.v1.TraceService/Export`,
 * decoding each request with the official OTLP schema. `answers` are used in turn, then OK for every call.
 */
export class GrpcCollector {
  readonly calls: GrpcExportCall[] = [];
  readonly answers: GrpcAnswer[] = [];
  private readonly server: grpc.Server;
  private port = 0;

  constructor(options: grpc.ServerOptions = {}) {
    this.server = new grpc.Server(options);
    const service: grpc.ServiceDefinition = {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: passthrough,
        requestDeserialize: passthrough,
        responseSerialize: passthrough,
        responseDeserialize: passthrough,
      },
    };
    this.server.addService(service, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
        this.answer(call, callback),
    });
  }

  /** Listens on an ephemeral loopback port, plaintext or with `tls` credentials. */
  async start(tls?: grpc.ServerCredentials): Promise<this> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', tls ?? grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    return this;
  }

  /** `http://127.0.0.1:<port>`, or `https://localhost:<port>` for TLS. */
  endpoint(secure = false): string {
    return secure ? `https://localhost:${this.port}` : `http://127.0.0.1:${this.port}`;
  }

  /** Names of every span received, in order. */
  spanNames(): string[] {
    return this.calls.flatMap((call) => call.spans.map((span) => span.name));
  }

  stop(): void {
    this.server.forceShutdown();
  }

  private answer(call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>): void {
    const answer = this.answers.shift() ?? { ok: true };
    if (answer === 'hang') return;
    if ('ok' in answer) {
      this.calls.push({ spans: decodeRequest(call.request, 'protobuf').spans, metadata: call.metadata });
      const partial = answer.rejectedSpans
        ? { partial_success: { rejected_spans: answer.rejectedSpans, error_message: 'span too old' } }
        : {};
      callback(null, Buffer.from(ExportResponse.encode(partial).finish()));
      return;
    }
    const metadata = new grpc.Metadata();
    if (answer.retryDelayMs !== undefined) {
      metadata.set(
        'grpc-status-details-bin',
        retryInfoTrailer(answer.code, answer.details, answer.retryDelayMs),
      );
    }
    callback({ code: answer.code, details: answer.details, metadata });
  }
}
