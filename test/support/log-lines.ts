/** One JSON log line an app wrote, with the correlation fields the log instrumentations add. */
export interface LogLine {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
  [key: string]: unknown;
}

/** The JSON objects among `output`'s lines (other lines, such as "listening 1234", are skipped). */
export function jsonLines(output: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // A line that only looks like JSON is not a record of ours.
    }
  }
  return lines;
}
