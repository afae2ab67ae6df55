// Knobs shared by every scenario, all from the environment so a longer final run needs no code change:
//   BENCH_ROUNDS=5 BENCH_DURATION_S=15 pnpm bench http
import { availableParallelism } from 'node:os';

function int(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw} must be a positive number`);
  return n;
}

/** Run-time settings, read once. */
export const config = {
  /** Interleaved rounds per scenario (each round runs every variant once). */
  rounds: int('BENCH_ROUNDS', 3),
  /** Seconds of measured load per variant per round (HTTP scenarios). */
  durationS: int('BENCH_DURATION_S', 5),
  /**
   * HTTP scenario: seconds per measured slice. Every app stays up for the whole scenario and the variants
   * take turns slice by slice, rounds × duration / slice turns each, so a burst of outside load lands on
   * one short slice instead of one variant's whole measurement.
   */
  sliceS: int('BENCH_SLICE_S', 2),
  /** Seconds of unmeasured load before each measurement (JIT warm-up). */
  warmupS: int('BENCH_WARMUP_S', 2),
  /** Outage scenario: a fixed request rate (req/s) instead of as-fast-as-answered load. */
  outageRate: process.env.BENCH_OUTAGE_RATE ? int('BENCH_OUTAGE_RATE', 0) : null,
  /** First-exports scenario: the steady request rate (req/s) of every run. */
  firstExportsRate: int('BENCH_FIRST_EXPORTS_RATE', 300),
  /** Concurrent autocannon connections. */
  connections: int('BENCH_CONNECTIONS', 50),
  /** Start-up scenario: runs per variant per round. */
  startupRuns: int('BENCH_STARTUP_RUNS', 3),
  /** Decorator scenario: milliseconds tinybench spends on each task. */
  microTimeMs: int('BENCH_MICRO_TIME_MS', 500),
  /** AMQP scenario: messages per publish/consume run and round trips per RPC run. */
  amqpMessages: int('BENCH_AMQP_MESSAGES', 5000),
  amqpRpcs: int('BENCH_AMQP_RPCS', 1000),
  amqpUrl: process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
  /**
   * CPU profiles (on unless `BENCH_CPU_PROF=0`): one extra, unreported run per HTTP variant and per start-up
   * set-up under the profiler, written to bench/results/profiles/<scenario> and summarised per package.
   */
  cpuProf: process.env.BENCH_CPU_PROF !== '0',
  /** `BENCH_VARIANTS=untraced,spanwise`: run only these variants (set-ups) of each scenario. */
  only: process.env.BENCH_VARIANTS ? process.env.BENCH_VARIANTS.split(',').map((s) => s.trim()) : null,
  /** `BENCH_PIN=0` turns core pinning off. */
  pin: process.env.BENCH_PIN !== '0',
  cores: availableParallelism(),
};

/** Whether a variant (set-up) runs, given BENCH_VARIANTS; the baselines a scenario compares with always run. */
export function selected(name, baselines = []) {
  return config.only === null || config.only.includes(name) || baselines.includes(name);
}
