import picocolors from 'picocolors';
import type { DevOptions } from '../cli/dev-options.js';
import type { Receiver } from '../receiver/receiver.js';
import { createReceiver } from '../receiver/server.js';
import { OtlpJsonLinesFile } from './otlp-json-lines.js';
import { renderTrace } from './render.js';
import { type AssemblerStats, TraceAssembler } from './trace-assembler.js';
import { traceFilter } from './trace-filter.js';

/** Where `spanwise dev` writes: waterfalls to `out`, problems to `err`. */
export interface DevIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** A running `spanwise dev`. */
export interface DevSession {
  readonly url: string;
  /** Stops receiving, prints the traces still open, closes --out; resolves with the totals. Idempotent. */
  shutdown(): Promise<AssemblerStats>;
}

/** Batch delay suggested for the app: short, so a request prints within about a second, not after 5 s. */
export const DEV_SCHEDULE_DELAY_MS = 100;

/**
 * The environment that points an app at this receiver, printed under the "listening" line. The short batch
 * delay is for this local loop only: the app's production default (5000 ms) stays as it is.
 */
function appEnvironment(url: string): string {
  return (
    `start your app with: OTEL_EXPORTER_OTLP_ENDPOINT=${url} OTEL_BSP_SCHEDULE_DELAY=${DEV_SCHEDULE_DELAY_MS}\n` +
    '(each request then prints about a second after it ends)\n'
  );
}

/** Starts the receiver and the printer; the first line written is `spanwise dev listening on URL`, then the
 * environment an app needs to export to it. */
export async function startDev(options: DevOptions, io: DevIo): Promise<DevSession> {
  const colors = picocolors.createColors(options.color ?? picocolors.isColorSupported);
  const shouldPrint = traceFilter(options);
  const file = options.out === undefined ? undefined : openOut(options.out, io);
  const assembler = new TraceAssembler(options, (spans, reason) => {
    if (!shouldPrint(spans)) return;
    const lines = renderTrace(spans, { colors, attributes: options.attributes });
    if (reason === 'evicted') {
      lines.push(colors.dim('(printed before going quiet: --max-traces or --max-spans reached)'));
    }
    io.out.write(`${lines.join('\n')}\n\n`);
  });
  let receiver: Receiver;
  try {
    receiver = await createReceiver(
      { host: options.host, port: options.port },
      {
        retain: false,
        onExport: ({ message, spans }) => {
          file?.write(message);
          assembler.add(spans);
        },
      },
    );
  } catch (error) {
    await file?.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `${options.host}:${options.port} is already in use (another spanwise dev or a Collector?); stop it or pass --port`,
      );
    }
    throw error;
  }
  io.out.write(`spanwise dev listening on ${receiver.url}\n${appEnvironment(receiver.url)}`);
  let stopping: Promise<AssemblerStats> | undefined;
  return {
    url: receiver.url,
    shutdown() {
      stopping ??= (async () => {
        await receiver.close();
        assembler.flush();
        await file?.close();
        return assembler.stats();
      })();
      return stopping;
    },
  };
}

function openOut(path: string, io: DevIo): OtlpJsonLinesFile {
  try {
    return new OtlpJsonLinesFile(path, (error) =>
      io.err.write(`spanwise dev: stopped writing ${path}: ${error.message}\n`),
    );
  } catch (error) {
    throw new Error(`cannot open --out ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
