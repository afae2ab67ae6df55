import { describe, expect, it } from 'vitest';
import { DEV_DEFAULTS, parseDevArgs } from '../src/cli/dev-options.js';
import { UsageError } from '../src/cli/usage-error.js';

describe('parseDevArgs', () => {
  it('applies the documented defaults', () => {
    expect(parseDevArgs([])).toEqual({ ...DEV_DEFAULTS, attributes: false, errorsOnly: false, help: false });
  });

  it('reads every flag', () => {
    const args = [
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--quiet-ms',
      '50',
      '--max-traces',
      '7',
      '--max-spans',
      '70',
    ];
    args.push(
      '--attributes',
      '--service',
      'orders',
      '--min-duration',
      '2.5',
      '--errors-only',
      '--out',
      'x.jsonl',
    );
    expect(parseDevArgs([...args, '--no-color'])).toEqual({
      host: '0.0.0.0',
      port: 0,
      quietMs: 50,
      maxTraces: 7,
      maxSpans: 70,
      attributes: true,
      service: 'orders',
      minDurationMs: 2.5,
      errorsOnly: true,
      out: 'x.jsonl',
      color: false,
      help: false,
    });
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--port', '70000'], "--port must be an integer from 0 to 65535, got '70000'"],
    [['--quiet-ms', '0'], '--quiet-ms must be an integer from 1'],
    [['--max-traces', 'many'], '--max-traces must be an integer'],
    [['--min-duration=-1'], "--min-duration must be a number of milliseconds >= 0, got '-1'"],
    [['extra'], "Unexpected argument 'extra'"],
  ])('rejects %j with a UsageError', (args, message) => {
    expect(() => parseDevArgs(args)).toThrow(UsageError);
    expect(() => parseDevArgs(args)).toThrow(message);
  });
});
