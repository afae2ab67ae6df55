import { afterEach, beforeEach } from 'vitest';

/** Collects what Spanwise writes to stderr during each test of the calling file. */
export function captureStderr(): string[] {
  const lines: string[] = [];
  let original: typeof process.stderr.write;
  beforeEach(() => {
    lines.length = 0;
    original = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((line) => line !== ''),
      );
      return true;
    }) as typeof process.stderr.write;
  });
  afterEach(() => {
    process.stderr.write = original;
  });
  return lines;
}
