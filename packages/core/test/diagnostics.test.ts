import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { findPreloaded } from '../src/diagnostics/load-order.js';
import { SpanNameGuard } from '../src/diagnostics/span-name-guard.js';
import { captureStderr } from './capture-stderr.js';

const span = (tracer: string, name: string) =>
  ({ name, instrumentationScope: { name: tracer } }) as ReadableSpan;

describe('findPreloaded', () => {
  it('finds instrumented packages in the module cache, scoped names included, and nothing else', () => {
    const cache = {
      '/app/node_modules/express/index.js': undefined,
      '/app/node_modules/.pnpm/@grpc+grpc-js@1.0.0/node_modules/@grpc/grpc-js/build/index.js': undefined,
      '/app/node_modules/express-session/index.js': undefined,
      '/app/src/pg/index.js': undefined,
    } as unknown as NodeJS.Require['cache'];
    expect(findPreloaded(['express', 'pg', '@grpc/grpc-js', 'mysql2'], cache)).toEqual([
      'express',
      '@grpc/grpc-js',
    ]);
  });
});

describe('SpanNameGuard', () => {
  const stderr = captureStderr();

  it('warns once per tracer past the limit and then stops tracking it', () => {
    const guard = new SpanNameGuard(3);
    for (let i = 0; i < 10; i++) guard.onEnd(span('orders', `order-${i}`));
    for (let i = 0; i < 3; i++) guard.onEnd(span('billing', `invoice-${i}`));
    guard.onEnd(span('billing', 'invoice-0'));
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain('tracer "orders" has produced more than 3 distinct span names');
    expect(stderr[0]).toContain('order-3');
  });

  it('does not count repeats of the same name', () => {
    const guard = new SpanNameGuard(2);
    for (let i = 0; i < 100; i++) guard.onEnd(span('http', i % 2 === 0 ? 'GET /a' : 'GET /b'));
    expect(stderr).toEqual([]);
  });
});
