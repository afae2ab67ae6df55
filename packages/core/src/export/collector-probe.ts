import type { ExportOutcome } from './export-outcome.js';
import type { ExportTransport } from './export-transport.js';
import type { RequestBody } from './otlp-request.js';
import { otlpSerializers } from './otlp-serializers.js';

/**
 * The request sent while the circuit is open: an empty export request, so an outage of any length costs the
 * same small request per probe interval however full the queue is.
 */
export class CollectorProbe {
  private body: RequestBody | undefined;

  constructor(
    private readonly transport: ExportTransport,
    private readonly json: boolean,
  ) {}

  /** Sends one probe; resolves with what the collector's answer (or its absence) means. */
  send(timeoutMs: number, signal: AbortSignal): Promise<ExportOutcome> {
    return this.transport.send(this.emptyRequest(), timeoutMs, signal);
  }

  private emptyRequest(): RequestBody {
    if (this.body === undefined) {
      const { JsonTraceSerializer, ProtobufTraceSerializer } = otlpSerializers();
      const serializer = this.json ? JsonTraceSerializer : ProtobufTraceSerializer;
      this.body = [serializer.serializeRequest([])!];
    }
    return this.body;
  }
}
