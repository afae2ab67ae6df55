import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** Settings of `spanwise dev`, after parsing and checking. */
export interface DevOptions {
  host: string;
  port: number;
  quietMs: number;
  maxTraces: number;
  maxSpans: number;
  attributes: boolean;
  service?: string;
  minDurationMs?: number;
  errorsOnly: boolean;
  out?: string;
  /** Force colours on or off; unset follows NO_COLOR, FORCE_COLOR and whether stdout is a terminal. */
  color?: boolean;
  help: boolean;
}

/** Defaults of `spanwise dev`, also shown by `--help` and in docs/cli.md. */
export const DEV_DEFAULTS = {
  host: '127.0.0.1',
  port: 4318,
  quietMs: 500,
  maxTraces: 100,
  maxSpans: 10_000,
} as const;

/** `spanwise dev --help`. */
export const DEV_USAGE = `Usage: spanwise dev [options]

Receives OTLP/HTTP traces (http/protobuf or http/json, plain or gzip) on POST /v1/traces and prints
each trace as a waterfall once no span of it arrived for --quiet-ms.

Options:
  --host HOST           address to listen on (default ${DEV_DEFAULTS.host})
  --port PORT           port to listen on, 0 for any free one (default ${DEV_DEFAULTS.port})
  --quiet-ms MS         print a trace after this long without new spans (default ${DEV_DEFAULTS.quietMs})
  --max-traces N        traces held open at most; the oldest is printed early past it (default ${DEV_DEFAULTS.maxTraces})
  --max-spans N         spans held open at most, over all traces (default ${DEV_DEFAULTS.maxSpans})
  --attributes          print span attributes and events
  --service NAME        print only traces with a span from service NAME
  --min-duration MS     print only traces lasting at least MS milliseconds
  --errors-only         print only traces with an ERROR span
  --out FILE            also write every request received to FILE as OTLP/JSON lines
  --color, --no-color   force colours on or off (default: on for a terminal, off under NO_COLOR)
  -h, --help            show this help
`;

/** Parses `spanwise dev` arguments; throws UsageError on unknown flags or bad values. */
export function parseDevArgs(args: readonly string[]): DevOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const options: DevOptions = {
    host: values.host ?? DEV_DEFAULTS.host,
    port: integer('--port', values.port, DEV_DEFAULTS.port, 0, 65_535),
    quietMs: integer('--quiet-ms', values['quiet-ms'], DEV_DEFAULTS.quietMs, 1, 86_400_000),
    maxTraces: integer('--max-traces', values['max-traces'], DEV_DEFAULTS.maxTraces, 1, 1_000_000),
    maxSpans: integer('--max-spans', values['max-spans'], DEV_DEFAULTS.maxSpans, 1, 100_000_000),
    attributes: values.attributes ?? false,
    errorsOnly: values['errors-only'] ?? false,
    help: values.help ?? false,
  };
  if (values.service !== undefined) options.service = values.service;
  if (values['min-duration'] !== undefined)
    options.minDurationMs = nonNegative('--min-duration', values['min-duration']);
  if (values.out !== undefined) options.out = values.out;
  if (values.color !== undefined) options.color = values.color;
  return options;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    allowNegative: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'quiet-ms': { type: 'string' },
      'max-traces': { type: 'string' },
      'max-spans': { type: 'string' },
      attributes: { type: 'boolean' },
      service: { type: 'string' },
      'min-duration': { type: 'string' },
      'errors-only': { type: 'boolean' },
      out: { type: 'string' },
      color: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function integer(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

function nonNegative(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} must be a number of milliseconds >= 0, got '${raw}'`);
  }
  return value;
}
