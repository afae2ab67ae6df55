import { join } from 'node:path';
import protobuf from 'protobufjs';
import { packageRoot } from './package-require.mjs';

// The build copies the official .proto files here (scripts/copy-otlp-protos.mjs); they ship in the tarball.
const PROTO_DIR = ['dist', 'protos'];
const SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';
const REQUEST_TYPE = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest';
const RESPONSE_TYPE = 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse';

/** The OTLP trace request and response types, loaded from the official opentelemetry-proto files. */
export interface OtlpSchema {
  request: protobuf.Type;
  response: protobuf.Type;
}

let schema: OtlpSchema | undefined;

/** Loads the schema once, on first use, from the official .proto files shipped in this package's dist. */
export function otlpSchema(): OtlpSchema {
  if (schema === undefined) {
    const protoDir = join(packageRoot(), ...PROTO_DIR);
    const root = new protobuf.Root();
    // The .proto files import each other by their path below the protos folder.
    root.resolvePath = (_origin, target) => (target.startsWith(protoDir) ? target : join(protoDir, target));
    root.loadSync(SERVICE_PROTO, { keepCase: false });
    addFlagsFields(root);
    addScopeAttributes(root);
    addPartialSuccess(root);
    root.resolveAll();
    schema = { request: root.lookupType(REQUEST_TYPE), response: root.lookupType(RESPONSE_TYPE) };
  }
  return schema;
}

/**
 * The schema copied from @opentelemetry/otlp-grpc-exporter-base 0.38.0 predates `Span.flags` and `Span.Link.flags` (both `fixed32`,
 * field 16 and 6 in today's opentelemetry-proto). Newer exporters send them; declaring them keeps
 * them instead of skipping them as unknown fields.
 */
function addFlagsFields(root: protobuf.Root): void {
  const span = root.lookupType('opentelemetry.proto.trace.v1.Span');
  if (span.fields.flags === undefined) span.add(new protobuf.Field('flags', 16, 'fixed32'));
  const link = root.lookupType('opentelemetry.proto.trace.v1.Span.Link');
  if (link.fields.flags === undefined) link.add(new protobuf.Field('flags', 6, 'fixed32'));
}

/**
 * The pinned schema also predates `InstrumentationScope.attributes` and `dropped_attributes_count` (field 3
 * and 4 in today's opentelemetry-proto), which the export pipeline writes when a scope has them.
 */
function addScopeAttributes(root: protobuf.Root): void {
  const scope = root.lookupType('opentelemetry.proto.common.v1.InstrumentationScope');
  if (scope.fields.attributes === undefined) {
    scope.add(new protobuf.Field('attributes', 3, 'opentelemetry.proto.common.v1.KeyValue', 'repeated'));
  }
  if (scope.fields.droppedAttributesCount === undefined) {
    scope.add(new protobuf.Field('droppedAttributesCount', 4, 'uint32'));
  }
}

/**
 * The pinned schema also predates `ExportTraceServiceResponse.partial_success` (field 1: `int64
 * rejected_spans = 1; string error_message = 2;` in today's opentelemetry-proto), which the fault injection
 * answers with.
 */
function addPartialSuccess(root: protobuf.Root): void {
  const response = root.lookupType(RESPONSE_TYPE);
  if (response.fields.partialSuccess !== undefined) return;
  const partial = new protobuf.Type('ExportTracePartialSuccess')
    .add(new protobuf.Field('rejectedSpans', 1, 'int64'))
    .add(new protobuf.Field('errorMessage', 2, 'string'));
  response.parent?.add(partial);
  response.add(new protobuf.Field('partialSuccess', 1, 'ExportTracePartialSuccess'));
}
