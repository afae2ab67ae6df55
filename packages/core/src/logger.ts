/** Severity of Spanwise's own messages, in the order of `OTEL_LOG_LEVEL`. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

const ORDER: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * Spanwise's own console output. Warnings about configuration, load order and dropped spans must reach the
 * operator without any log-level setup, so this writes to stderr at `warn` by default instead of relying on
 * the OTel `diag` logger, which is silent until someone installs one.
 */
class Logger {
  private level = ORDER.warn;

  setLevel(level: LogLevel): void {
    this.level = ORDER[level];
  }

  enabled(level: Exclude<LogLevel, 'none'>): boolean {
    return ORDER[level] <= this.level;
  }

  error(message: string): void {
    this.write('error', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  info(message: string): void {
    this.write('info', message);
  }

  debug(message: string): void {
    this.write('debug', message);
  }

  private write(level: Exclude<LogLevel, 'none'>, message: string): void {
    if (ORDER[level] > this.level) return;
    try {
      process.stderr.write(`[spanwise] ${level.toUpperCase()} ${message}\n`);
    } catch {
      // A closed stderr must never break the app.
    }
  }
}

/** The process-wide logger for Spanwise's own messages. */
export const logger = new Logger();
