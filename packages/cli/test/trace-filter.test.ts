import { describe, expect, it } from 'vitest';
import { traceFilter } from '../src/dev/trace-filter.js';
import { fixtureTrace } from './fixture-trace.js';

describe('traceFilter', () => {
  const trace = fixtureTrace();
  const healthy = trace.filter((span) => span.status.code !== 2);

  it('passes everything without filters', () => {
    expect(traceFilter({ errorsOnly: false })(healthy)).toBe(true);
  });

  it('--service keeps traces with a span from that service', () => {
    expect(traceFilter({ errorsOnly: false, service: 'payments' })(trace)).toBe(true);
    expect(traceFilter({ errorsOnly: false, service: 'payments' })(healthy)).toBe(false);
    expect(traceFilter({ errorsOnly: false, service: 'orders' })(trace)).toBe(true);
  });

  it('--min-duration measures the trace from first start to last end', () => {
    expect(traceFilter({ errorsOnly: false, minDurationMs: 250 })(trace)).toBe(true);
    expect(traceFilter({ errorsOnly: false, minDurationMs: 250.001 })(trace)).toBe(false);
    const child = trace.filter((span) => span.name === 'pg.query SELECT');
    expect(traceFilter({ errorsOnly: false, minDurationMs: 51 })(child)).toBe(false);
  });

  it('--errors-only keeps traces with an ERROR span', () => {
    expect(traceFilter({ errorsOnly: true })(trace)).toBe(true);
    expect(traceFilter({ errorsOnly: true })(healthy)).toBe(false);
  });
});
