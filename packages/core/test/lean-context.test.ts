// The request root context: the same semantics as ROOT_CONTEXT, without closures per context.
import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { LEAN_ROOT_CONTEXT } from '../src/lean-context.js';

const A = createContextKey('spanwise.test.a');
const B = createContextKey('spanwise.test.b');

describe('LEAN_ROOT_CONTEXT', () => {
  it('sets and deletes values in new contexts and leaves their parents as they were', () => {
    const one = LEAN_ROOT_CONTEXT.setValue(A, 1);
    const two = one.setValue(B, 2).setValue(A, 3);
    const without = two.deleteValue(A);
    expect([LEAN_ROOT_CONTEXT.getValue(A), one.getValue(A), one.getValue(B)]).toEqual([
      undefined,
      1,
      undefined,
    ]);
    expect([two.getValue(A), two.getValue(B)]).toEqual([3, 2]);
    expect([without.getValue(A), without.getValue(B)]).toEqual([undefined, 2]);
  });

  it('reads like ROOT_CONTEXT for the same sequence of writes', () => {
    const steps = (root: typeof ROOT_CONTEXT) => root.setValue(A, 'x').setValue(B, 'y').deleteValue(A);
    const lean = steps(LEAN_ROOT_CONTEXT);
    const base = steps(ROOT_CONTEXT);
    expect([lean.getValue(A), lean.getValue(B)]).toEqual([base.getValue(A), base.getValue(B)]);
  });

  it('allocates no function per context', () => {
    const ctx = LEAN_ROOT_CONTEXT.setValue(A, 1);
    expect(Object.values(ctx).filter((value) => typeof value === 'function')).toEqual([]);
    expect(Object.values(ROOT_CONTEXT.setValue(A, 1)).some((value) => typeof value === 'function')).toBe(
      true,
    );
  });
});

describe('LEAN_ROOT_CONTEXT, written many times', () => {
  it('keeps every visible value, and only those, however long the chain of writes', () => {
    const keys = Array.from({ length: 40 }, (_, i) => createContextKey(`spanwise.test.k${i}`));
    let lean = LEAN_ROOT_CONTEXT;
    let base = ROOT_CONTEXT;
    for (let i = 0; i < 500; i++) {
      const key = keys[(i * 7) % keys.length]!;
      const write = (ctx: typeof ROOT_CONTEXT) =>
        i % 5 === 4 ? ctx.deleteValue(key) : ctx.setValue(key, `v${i}`);
      lean = write(lean);
      base = write(base);
      expect(keys.map((k) => lean.getValue(k))).toEqual(keys.map((k) => base.getValue(k)));
    }
  });

  it('lets a parent be read unchanged after its children were written past the rebuild depth', () => {
    let ctx = LEAN_ROOT_CONTEXT.setValue(A, 'kept');
    const parent = ctx;
    for (let i = 0; i < 100; i++) ctx = ctx.setValue(B, i);
    expect([parent.getValue(A), parent.getValue(B), ctx.getValue(A), ctx.getValue(B)]).toEqual([
      'kept',
      undefined,
      'kept',
      99,
    ]);
  });
});
