import { describe, expect, it } from 'vitest';
import { DropReporter } from '../../src/export/drop-reporter.js';

describe('DropReporter', () => {
  it('reports the first drop at once, then one summary per interval', async () => {
    const lines: string[] = [];
    let next: (() => void) | undefined;
    const reporter = new DropReporter(
      () => 'connect ECONNREFUSED',
      200,
      (line) => {
        lines.push(line);
        next?.();
      },
    );
    reporter.record('queueFull', 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[spanwise\] dropped 1 span: 1 queue full .*ECONNREFUSED/);
    const second = new Promise<void>((resolve) => {
      next = resolve;
    });
    for (let i = 0; i < 1000; i++) reporter.record('queueFull', 1);
    reporter.record('exportFailed', 5);
    expect(lines).toHaveLength(1);
    await second;
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/dropped 1005 spans: 1000 queue full .*, 5 export failed/);
  });

  it('flush() writes what is unreported, once', () => {
    const lines: string[] = [];
    const reporter = new DropReporter(
      () => undefined,
      60_000,
      (line) => lines.push(line),
    );
    reporter.record('shutdown', 2);
    reporter.record('shutdown', 3);
    reporter.flush();
    reporter.flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/dropped 3 spans: 3 undelivered at shutdown/);
  });
});
