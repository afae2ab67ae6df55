'use strict';
// Scenario 1 and 4 app: GET /hello -> HelloController.hello -> HelloService.greet (async, decorated).
// Plain CommonJS, decorators applied with Reflect.decorate exactly as tsc emits them (design:paramtypes
// included), so the same file runs untraced, with nestjs-otel's @Span, or with Spanwise's @Traced.
//
// BENCH_VARIANT: untraced | stock | otel-http | spanwise (see BENCH_TRACING_MODULE below). The stock and
// otel-http variants are preloaded with ./otel-sdk.cjs, the spanwise one with @spanwise/core/register.
//
// The harness talks to it over IPC: `drain` flushes the tracer and reports counters; `sample` reports RSS,
// event-loop delay and CPU time (user + system) per handled request since the last `reset`, and ends the
// CPU profile a `reset` with `profileFile` started.
require('reflect-metadata');
const { createHistogram, monitorEventLoopDelay } = require('node:perf_hooks');
const { Controller, Get, Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

const variant = process.env.BENCH_VARIANT || 'untraced';
const tracingHook = globalThis[Symbol.for('spanwise.bench.tracing')];

function methodDecorator() {
  if (variant === 'stock' || variant === 'otel-http') return [require('nestjs-otel').Span()];
  if (variant === 'spanwise') return [require('@spanwise/nestjs').Traced()];
  return [];
}

// BENCH_TRACING_MODULE=0 leaves TracingModule out (register + @Traced only): a diagnostic variant that
// separates the module's handler span and interceptor from the rest of Spanwise's cost.
function moduleImports() {
  if (variant === 'spanwise' && process.env.BENCH_TRACING_MODULE !== '0') {
    return [require('@spanwise/nestjs').TracingModule.forRoot()];
  }
  return [];
}

let handled = 0;

class HelloService {
  async greet(name) {
    return { message: `hello ${name}` };
  }
}
Object.defineProperty(
  HelloService.prototype,
  'greet',
  Reflect.decorate(
    [
      ...methodDecorator(),
      Reflect.metadata('design:type', Function),
      Reflect.metadata('design:paramtypes', [String]),
      Reflect.metadata('design:returntype', Promise),
    ],
    HelloService.prototype,
    'greet',
    Object.getOwnPropertyDescriptor(HelloService.prototype, 'greet'),
  ),
);
const Service = Reflect.decorate([Injectable()], HelloService);

class HelloController {
  constructor(service) {
    this.service = service;
  }
  hello() {
    handled++;
    return this.service.greet('world');
  }
}
Object.defineProperty(
  HelloController.prototype,
  'hello',
  Reflect.decorate(
    [Get('hello'), Reflect.metadata('design:type', Function), Reflect.metadata('design:paramtypes', [])],
    HelloController.prototype,
    'hello',
    Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'),
  ),
);
const ControllerClass = Reflect.decorate(
  [Controller(), Reflect.metadata('design:paramtypes', [Service])],
  HelloController,
);

const AppModule = Reflect.decorate(
  [Module({ imports: moduleImports(), controllers: [ControllerClass], providers: [Service] })],
  class AppModule {},
);

function spanwiseHook() {
  const core = require('@spanwise/core');
  return {
    flush: () => core.getTracing()?.forceFlush(),
    counts: () => {
      const s = core.getTracing()?.stats();
      if (!s) return { ended: null, dropped: null, stats: null };
      const d = s.droppedSpans;
      const dropped = d.queueFull + d.exportFailed + d.shutdown;
      return { ended: s.exportedSpans + dropped + s.queuedSpans, dropped, stats: s };
    },
  };
}

/**
 * Flushes until a flush ends no new span: requests cut off when the load generator stopped still end their
 * spans a moment later, and those must be counted and exported before the receiver is asked.
 */
async function drain(hook) {
  let after = hook.counts();
  for (let i = 0; i < 20; i++) {
    await hook.flush();
    const before = hook.counts();
    await hook.flush();
    after = hook.counts();
    if (after.ended === before.ended) return after;
  }
  return { ...after, drainIncomplete: true };
}

/**
 * JS heap plus external memory (Buffers, where an encoded export queue lives) after a full GC, when started
 * with --expose-gc: what the process really retains.
 */
function heapAfterGc() {
  if (typeof globalThis.gc !== 'function') return null;
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * V8 CPU profiles of single measured windows (from a `reset` that names a file to its `sample`), so
 * start-up and warm-up do not blur where the per-request time goes.
 */
function windowProfiler() {
  const { Session } = require('node:inspector/promises');
  let session = null;
  let file = null;
  return {
    async start(profileFile) {
      if (session === null) {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
      }
      file = profileFile;
      await session.post('Profiler.start');
    },
    async stop() {
      if (file === null) return;
      const { profile } = await session.post('Profiler.stop');
      require('node:fs').writeFileSync(file, JSON.stringify(profile));
      file = null;
    },
  };
}

/**
 * The main thread's CPU time between two ticks of a 1 ms timer (BENCH_LOOP_CPU=1): how long the loop was
 * blocked by the process's own work. Event-loop delay is wall time, which on a shared machine also holds
 * the time the process waited for a core; this is not.
 */
function loopCpuMeter() {
  const histogram = createHistogram();
  let last = -1;
  setInterval(() => {
    const { user, system } = process.threadCpuUsage();
    const now = user + system;
    if (last >= 0) histogram.record(Math.max(1, now - last));
    last = now;
  }, 1).unref();
  return {
    reset() {
      histogram.reset();
      last = -1;
    },
    figures: () => ({ loopCpuMaxMs: histogram.max / 1e3, loopCpuP99Ms: histogram.percentile(99) / 1e3 }),
  };
}

async function main() {
  const hook = variant === 'spanwise' ? spanwiseHook() : tracingHook;
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  // Each sample is the interval between two ticks of a timer this often, so it includes the interval itself
  // and a stall shorter than it can go unseen: scenario 6 asks for 1 ms.
  const eld = monitorEventLoopDelay({ resolution: Number(process.env.BENCH_ELD_RESOLUTION_MS) || 10 });
  let window = { cpu: process.cpuUsage(), faults: process.resourceUsage().minorPageFault, handled };
  const profiler = windowProfiler();
  eld.enable();
  const loopCpu = process.env.BENCH_LOOP_CPU === '1' ? loopCpuMeter() : null;
  process.on('message', async (msg) => {
    const reply = (body) => process.send({ id: msg.id, ...body });
    try {
      if (msg.cmd === 'exit') {
        process.exit(0);
      } else if (msg.cmd === 'reset') {
        // The GC runs before the window opens, so its cost is not charged to the requests.
        const heapAfterGcBytes = heapAfterGc();
        const rssBytes = process.memoryUsage.rss();
        eld.reset();
        loopCpu?.reset();
        if (msg.profileFile) await profiler.start(msg.profileFile);
        window = { cpu: process.cpuUsage(), faults: process.resourceUsage().minorPageFault, handled };
        reply({ rssBytes, heapAfterGcBytes });
      } else if (msg.cmd === 'sample') {
        // With `flush`, the window also covers exporting what it traced, so that work is charged to it and
        // does not run later, inside another set-up's window.
        if (msg.flush && hook) await drain(hook);
        const cpu = process.cpuUsage(window.cpu);
        await profiler.stop();
        reply({
          rssBytes: process.memoryUsage.rss(),
          heapAfterGcBytes: heapAfterGc(),
          eldP99Ms: eld.percentile(99) / 1e6,
          eldMaxMs: eld.max / 1e6,
          ...loopCpu?.figures(),
          cpuUs: cpu.user + cpu.system,
          minorPageFaults: process.resourceUsage().minorPageFault - window.faults,
          handledInWindow: handled - window.handled,
          handled,
        });
      } else if (msg.cmd === 'drain') {
        reply({ handled, ...(hook ? await drain(hook) : { ended: 0, dropped: 0 }) });
      } else if (msg.cmd === 'counts') {
        reply({ handled, ...(hook ? hook.counts() : { ended: 0, dropped: 0 }) });
      }
    } catch (err) {
      reply({ error: String(err?.stack ?? err) });
    }
  });
  // The harness going away (killed, crashed) must not leave apps behind.
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: app.getHttpServer().address().port });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
