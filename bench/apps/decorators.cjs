'use strict';
// Scenario 2 child: the cost of one decorated call, in one set-up per process so no set-up's code warms
// or pollutes the JIT for another. BENCH_DECORATOR: none | hand | hand-lean | nestjs-otel | spanwise | spanwise-sdk.
//
// Every set-up records through Spanwise's runtime (startTracing, AsyncLocalStorage context) with the span
// engine BENCH_ENGINE names (lean | sdk, default sdk) and OTEL_TRACES_EXPORTER=none (ended spans are counted,
// never encoded), so the figures compare the wrappers and engines, not exporters.
require('reflect-metadata');
const { context, trace, SpanStatusCode } = require('@opentelemetry/api');
const { Observable, lastValueFrom, of } = require('rxjs');
const { Bench } = require('tinybench');

const setup = process.env.BENCH_DECORATOR || 'none';
const engine = process.env.BENCH_ENGINE || 'sdk';
const timeMs = Number(process.env.BENCH_MICRO_TIME_MS || 500);

process.env.SPANWISE_ENGINE = engine;
const tracing = require('@spanwise/core').startTracing({ exporter: 'none', handleSignals: false });

const tracer = trace.getTracer('bench-hand');

function fail(span, err) {
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err?.message });
  span.end();
}

/** What a careful engineer writes by hand: startActiveSpan, end on return, on settle or on complete. */
function handWritten(name, fn) {
  return function traced(...args) {
    return tracer.startActiveSpan(name, (span) => {
      let result;
      try {
        result = fn.apply(this, args);
      } catch (err) {
        fail(span, err);
        throw err;
      }
      if (result instanceof Observable) {
        const ctx = context.active();
        return new Observable((sub) =>
          context.with(ctx, () =>
            result.subscribe({
              next: (v) => sub.next(v),
              error: (err) => {
                fail(span, err);
                sub.error(err);
              },
              complete: () => {
                span.end();
                sub.complete();
              },
            }),
          ),
        );
      }
      if (result !== null && typeof result?.then === 'function') {
        return result.then(
          (v) => {
            span.end();
            return v;
          },
          (err) => {
            fail(span, err);
            throw err;
          },
        );
      }
      span.end();
      return result;
    });
  };
}

class Work {
  sync(n) {
    return n + 1;
  }
  async async(n) {
    return n + 1;
  }
  observable(n) {
    return of(n + 1);
  }
}

const METHODS = [
  ['sync', Number],
  ['async', Promise],
  ['observable', Observable],
];

function decoratorsFor() {
  if (setup === 'nestjs-otel') return [require('nestjs-otel').Span()];
  if (setup === 'spanwise' || setup === 'spanwise-sdk') return [require('@spanwise/nestjs').Traced()];
  return [];
}

for (const [method, returnType] of METHODS) {
  const desc = Object.getOwnPropertyDescriptor(Work.prototype, method);
  if (setup === 'hand' || setup === 'hand-lean') {
    Object.defineProperty(Work.prototype, method, {
      ...desc,
      value: handWritten(`Work.${method}`, desc.value),
    });
    continue;
  }
  const decorated = Reflect.decorate(
    [
      ...decoratorsFor(),
      Reflect.metadata('design:type', Function),
      Reflect.metadata('design:paramtypes', [Number]),
      Reflect.metadata('design:returntype', returnType),
    ],
    Work.prototype,
    method,
    desc,
  );
  Object.defineProperty(Work.prototype, method, decorated);
}

async function main() {
  const work = new Work();
  let i = 0;
  const bench = new Bench({ time: timeMs, warmupTime: Math.max(100, timeMs / 2) });
  bench.add('sync', () => {
    if (work.sync(i++) !== i) throw new Error('sync returned the wrong value');
  });
  bench.add('async', async () => {
    if ((await work.async(i++)) !== i) throw new Error('async returned the wrong value');
  });
  bench.add('observable', async () => {
    if ((await lastValueFrom(work.observable(i++))) !== i)
      throw new Error('observable returned the wrong value');
  });
  await bench.run();
  // A set-up that traced nothing would look free: refuse to report it.
  const ended = tracing.stats().exportedSpans;
  if (setup !== 'none' && ended === 0)
    throw new Error(`${setup}: no span ended; the decorator did not trace`);
  const out = { setup, engine, spansEnded: ended, tasks: {} };
  for (const task of bench.tasks) {
    if (task.result.state !== 'completed')
      throw new Error(`${task.name}: ${task.result.state} ${task.result.error ?? ''}`);
    // The median call, not the mean: on a shared machine one descheduled sample can move a mean by 10x.
    out.tasks[task.name] = {
      nsPerOp: task.result.latency.p50 * 1e6,
      meanNs: task.result.latency.mean * 1e6,
      samples: task.result.latency.samplesCount ?? task.runs,
    };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
