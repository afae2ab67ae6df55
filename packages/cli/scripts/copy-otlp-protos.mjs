// Copies the official OTLP trace .proto files (opentelemetry-proto, as shipped in the pinned devDependency
// @opentelemetry/otlp-grpc-exporter-base) into dist/protos, where the receiver loads its schema from. The
// files travel in the tarball, so an install of @spanwise/cli needs no OpenTelemetry package at all.
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const SCHEMA_FILES = [
  'opentelemetry/proto/common/v1/common.proto',
  'opentelemetry/proto/resource/v1/resource.proto',
  'opentelemetry/proto/trace/v1/trace.proto',
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
];

const require = createRequire(import.meta.url);
const source = join(
  dirname(require.resolve('@opentelemetry/otlp-grpc-exporter-base/package.json')),
  'build',
  'protos',
);
rmSync('dist/protos', { recursive: true, force: true });
for (const file of SCHEMA_FILES) cpSync(join(source, file), join('dist', 'protos', file));
