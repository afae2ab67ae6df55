import { type DevIo, startDev } from '../dev/dev-session.js';
import type { AssemblerStats } from '../dev/trace-assembler.js';
import { DEV_USAGE, parseDevArgs } from './dev-options.js';
import { UsageError } from './usage-error.js';
import { cliVersion } from './version.js';

const USAGE = `Usage: spanwise <command> [options]

Commands:
  dev    receive OTLP/HTTP traces locally and print them as waterfalls

Options:
  -v, --version   print the version of @spanwise/cli

Run 'spanwise dev --help' for the options of dev.
`;

/**
 * Runs the `spanwise` command line. Resolves with the exit status once the command is done; for
 * `dev` that is after SIGINT or SIGTERM, which flush the traces still open and give status 0.
 */
export async function main(argv: readonly string[], io: DevIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      io.out.write(`${cliVersion()}\n`);
      return 0;
    }
    if (command !== 'dev') throw new UsageError(`unknown command '${command}'`);
    const options = parseDevArgs(rest);
    if (options.help) {
      io.out.write(DEV_USAGE);
      return 0;
    }
    // Handlers go in before the "listening" line is printed: a supervisor may signal as soon as it sees it.
    let onSignal: (signal: NodeJS.Signals) => void = () => {};
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      onSignal = resolve;
    });
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const session = await startDev(options, io);
      const signal = await stopped;
      io.out.write(summary(signal, await session.shutdown()));
      return 0;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`spanwise: ${error.message}\nRun 'spanwise --help' for usage.\n`);
      return 2;
    }
    io.err.write(`spanwise: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function summary(signal: NodeJS.Signals, stats: AssemblerStats): string {
  return (
    `spanwise dev stopped (${signal}): ${count(stats.spans, 'span')} in ${count(stats.traces, 'trace')}; ` +
    `${stats.evicted} printed early at the limits; at most ${count(stats.peakOpenTraces, 'trace')} open at once\n`
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
