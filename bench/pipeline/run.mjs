// `node bench/pipeline/run.mjs [rounds] [spansPerRound]`: spans/s one core encodes and ships over
// OTLP http/protobuf to a sink in another process, Spanwise's export pipeline vs BatchSpanProcessor +
// OTLPTraceExporter on the same spans. Rounds alternate A/B; the report gives medians and their ratio, then
// measures whether encoding in a worker thread would take work off the main thread.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { ship, spanwise, stock } from './setups.mjs';
import { makeSpans } from './spans.mjs';
import { measureWorkerOffload } from './worker-offload.mjs';

const rounds = Number(process.argv[2] ?? 10);
const perRound = Number(process.argv[3] ?? 60_000);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const sink = spawn(process.execPath, [new URL('./sink.mjs', import.meta.url).pathname], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [portLine] = await once(sink.stdout, 'data');
const url = `http://127.0.0.1:${String(portLine).trim()}/v1/traces`;

const spans = makeSpans(perRound);
const setups = { spanwise, stock };
const results = { spanwise: { wall: [], cpu: [] }, stock: { wall: [], cpu: [] } };

async function round(name) {
  const processor = setups[name](url);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await ship(processor, spans);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await processor.shutdown();
  results[name].wall.push(perRound / seconds);
  results[name].cpu.push(perRound / ((cpu.user + cpu.system) / 1e6));
}

await round('spanwise'); // warm-up, not recorded
await round('stock');
for (const r of Object.values(results)) for (const xs of Object.values(r)) xs.length = 0;
for (let i = 0; i < rounds; i++) {
  for (const name of i % 2 ? ['stock', 'spanwise'] : ['spanwise', 'stock']) await round(name);
}
sink.kill();

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const report = {
  node: process.version,
  cpu: cpus()[0]?.model,
  rounds,
  spansPerRound: perRound,
  spanwise: { spansPerSecWall: median(results.spanwise.wall), spansPerCpuSec: median(results.spanwise.cpu) },
  stock: { spansPerSecWall: median(results.stock.wall), spansPerCpuSec: median(results.stock.cpu) },
};
report.ratioWall = report.spanwise.spansPerSecWall / report.stock.spansPerSecWall;
report.ratioCpu = report.spanwise.spansPerCpuSec / report.stock.spansPerCpuSec;
report.workerOffload = await measureWorkerOffload(spans.slice(0, 512), 200);

console.log(`node ${report.node} on ${report.cpu}; ${rounds} interleaved rounds of ${fmt(perRound)} spans`);
console.log('setup                                   spans/s (wall)   spans per CPU-second (main thread)');
console.log(
  `Spanwise export pipeline                ${fmt(report.spanwise.spansPerSecWall).padStart(14)}   ${fmt(report.spanwise.spansPerCpuSec).padStart(10)}`,
);
console.log(
  `BatchSpanProcessor + OTLP proto exporter ${fmt(report.stock.spansPerSecWall).padStart(13)}   ${fmt(report.stock.spansPerCpuSec).padStart(10)}`,
);
console.log(`ratio Spanwise/stock: wall ${report.ratioWall.toFixed(2)}x, CPU ${report.ratioCpu.toFixed(2)}x`);
const w = report.workerOffload;
console.log(
  `worker offload, main-thread µs per span: encode here ${w.encodeUs.toFixed(2)}; ` +
    `copy to a worker ${w.postUs.toFixed(2)} (project ${w.projectUs.toFixed(2)} + postMessage ${(w.postUs - w.projectUs).toFixed(2)})`,
);
console.log(JSON.stringify(report));
