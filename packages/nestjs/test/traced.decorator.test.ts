import 'reflect-metadata';
import { setTimeout as delay } from 'node:timers/promises';
import { BadRequestException, InternalServerErrorException, SetMetadata } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { interval, map, type Observable, take, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ATTR_CANCELLED, ATTR_EXPECTED_ERROR, NoTrace, Traced } from '../src/index.js';
import { durationMs, isChildOf, setupTracing } from './support/otel.js';

const tracing = setupTracing();

class RpcException extends Error {}

@Traced()
class Worker {
  constructor(private readonly factor = 2) {}

  double(value: number): number {
    return value * this.factor;
  }

  async slow(ms: number): Promise<string> {
    await delay(ms);
    return 'done';
  }

  @Traced({ name: 'work.custom', kind: SpanKind.CLIENT, attributes: (id: string) => ({ 'work.id': id }) })
  custom(id: string): string {
    return id;
  }

  @NoTrace()
  untraced(): number {
    return 1;
  }

  onModuleInit(): void {}

  get accessor(): number {
    return 3;
  }

  async parent(): Promise<number> {
    return this.double(4);
  }

  fail(error: unknown): never {
    throw error;
  }

  async failLater(error: unknown): Promise<never> {
    await delay(1);
    throw error;
  }
}

class Streams {
  @Traced()
  ticks(count: number, every: number): Observable<number> {
    return interval(every).pipe(take(count));
  }

  @Traced()
  failing(): Observable<never> {
    return timer(5).pipe(
      map(() => {
        throw new TypeError('bad tick');
      }),
    );
  }

  @Traced({ onResult: (span, value) => span.setAttribute('last', value as number) })
  async *numbers(count: number): AsyncGenerator<number> {
    for (let i = 0; i < count; i += 1) {
      await delay(5);
      yield i;
    }
  }

  @Traced()
  thenable(ms: number): PromiseLike<string> & { extra: string } {
    return {
      extra: 'kept',
      // biome-ignore lint/suspicious/noThenProperty: a foreign thenable (a query builder) is the point
      then(onFulfilled, onRejected) {
        return delay(ms)
          .then(() => 'value')
          .then(onFulfilled, onRejected);
      },
    };
  }

  @Traced({ root: true })
  detached(): string | undefined {
    return trace.getActiveSpan()?.spanContext().traceId;
  }
}

const ROLES = 'roles';
class Decorated {
  @Traced()
  @SetMetadata(ROLES, ['admin'])
  below(a: number, b: number): number {
    return a + b;
  }

  @SetMetadata(ROLES, ['user'])
  @Traced()
  above(a: number): number {
    return a;
  }
}

@Traced()
class Both {
  @Traced('Both.explicit')
  method(): number {
    return 1;
  }
}

describe('@Traced', () => {
  it('names a sync method ClassName.method and ends with its return', () => {
    tracing.reset();
    expect(new Worker(3).double(2)).toBe(6);
    expect(tracing.one('Worker.double').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('covers the whole of a promise', async () => {
    tracing.reset();
    await expect(new Worker().slow(30)).resolves.toBe('done');
    expect(durationMs(tracing.one('Worker.slow'))).toBeGreaterThanOrEqual(25);
  });

  it('uses the given name, kind and attributes computed from the arguments', () => {
    tracing.reset();
    new Worker().custom('abc');
    const span = tracing.one('work.custom');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes['work.id']).toBe('abc');
  });

  it('skips @NoTrace methods, lifecycle hooks, accessors and the constructor', () => {
    tracing.reset();
    const worker = new Worker();
    worker.untraced();
    worker.onModuleInit();
    expect(worker.accessor).toBe(3);
    expect(tracing.spans()).toHaveLength(0);
  });

  it('runs the method with its span active, so nested calls become children', async () => {
    tracing.reset();
    await new Worker().parent();
    expect(isChildOf(tracing.one('Worker.double'), tracing.one('Worker.parent'))).toBe(true);
  });

  it('records an unexpected error with ERROR status and rethrows it unchanged', async () => {
    tracing.reset();
    const boom = new InternalServerErrorException('boom');
    expect(() => new Worker().fail(boom)).toThrow(boom);
    const failure = new TypeError('later');
    await expect(new Worker().failLater(failure)).rejects.toBe(failure);
    for (const name of ['Worker.fail', 'Worker.failLater']) {
      const span = tracing.one(name);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.events.map((event) => event.name)).toEqual(['exception']);
    }
    expect(tracing.one('Worker.failLater').attributes['error.type']).toBe('TypeError');
  });

  it('treats a 4xx HttpException and an RpcException as expected errors', () => {
    tracing.reset();
    expect(() => new Worker().fail(new BadRequestException())).toThrow(BadRequestException);
    expect(() => new Worker().fail(new RpcException('nope'))).toThrow(RpcException);
    for (const span of tracing.named('Worker.fail')) {
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes[ATTR_EXPECTED_ERROR]).toBe(true);
      expect(span.events[0]?.name).toBe('exception');
    }
    expect(tracing.named('Worker.fail')).toHaveLength(2);
  });

  it('keeps reflect-metadata, name and length in either decorator order', () => {
    const proto = Decorated.prototype;
    expect(Reflect.getMetadata(ROLES, proto.below)).toEqual(['admin']);
    expect(Reflect.getMetadata(ROLES, proto.above)).toEqual(['user']);
    expect(proto.below.name).toBe('below');
    expect(proto.below.length).toBe(2);
    expect(proto.above.length).toBe(1);
    expect(Reflect.getMetadata('design:paramtypes', proto, 'below')).toEqual([Number, Number]);
  });

  it('wraps a method with class and method decorators once', () => {
    tracing.reset();
    new Both().method();
    expect(tracing.spans().map((span) => span.name)).toEqual(['Both.explicit']);
  });

  it('starts a new trace for root: true', () => {
    tracing.reset();
    const outer = trace.getTracer('test').startSpan('outer');
    const traceId = trace.getTracer('test').startActiveSpan('outer-active', (span) => {
      const id = new Streams().detached();
      span.end();
      return id;
    });
    outer.end();
    expect(traceId).not.toBe(tracing.one('outer-active').spanContext().traceId);
    expect(tracing.one('Streams.detached').parentSpanContext).toBeUndefined();
  });
});

describe('@Traced on Observables', () => {
  it('spans each subscription from subscribe to complete', async () => {
    tracing.reset();
    const ticks = new Streams().ticks(3, 10);
    await new Promise<void>((resolve) => ticks.subscribe({ complete: resolve }));
    await new Promise<void>((resolve) => ticks.subscribe({ complete: resolve }));
    const spans = tracing.named('Streams.ticks');
    expect(spans).toHaveLength(2);
    for (const span of spans) expect(durationMs(span)).toBeGreaterThanOrEqual(25);
  });

  it('ends an unsubscribed Observable as cancelled', async () => {
    tracing.reset();
    const subscription = new Streams().ticks(100, 5).subscribe();
    await delay(12);
    subscription.unsubscribe();
    expect(tracing.one('Streams.ticks').attributes[ATTR_CANCELLED]).toBe(true);
  });

  it('records an Observable error', async () => {
    tracing.reset();
    const failing = new Streams().failing();
    await expect(
      new Promise<void>((resolve, reject) => failing.subscribe({ complete: () => resolve(), error: reject })),
    ).rejects.toThrow('bad tick');
    const span = tracing.one('Streams.failing');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR_CANCELLED]).toBeUndefined();
  });
});

describe('@Traced on async iterators and thenables', () => {
  it('ends when iteration finishes and reports each value', async () => {
    tracing.reset();
    const seen: number[] = [];
    for await (const value of new Streams().numbers(3)) seen.push(value);
    expect(seen).toEqual([0, 1, 2]);
    const span = tracing.one('Streams.numbers');
    expect(span.attributes.last).toBe(2);
    expect(durationMs(span)).toBeGreaterThanOrEqual(10);
  });

  it('ends as cancelled when iteration is abandoned', async () => {
    tracing.reset();
    for await (const value of new Streams().numbers(5)) {
      if (value === 1) break;
    }
    expect(tracing.one('Streams.numbers').attributes[ATTR_CANCELLED]).toBe(true);
  });

  it('keeps a foreign thenable and ends when it settles', async () => {
    tracing.reset();
    const result = new Streams().thenable(20);
    expect(result.extra).toBe('kept');
    expect(tracing.spans()).toHaveLength(0);
    await expect(result).resolves.toBe('value');
    expect(durationMs(tracing.one('Streams.thenable'))).toBeGreaterThanOrEqual(15);
  });
});
