// Scenario 2: per-call cost of a decorated method (sync, async, Observable) with no decoration, a
// hand-written startActiveSpan wrapper, nestjs-otel's @Span and Spanwise's @Traced. Each set-up runs in
// its own process (apps/decorators.cjs, tinybench with warm-up), set-ups interleaved round by round.
import { spanwiseAvailable } from '../lib/availability.mjs';
import { config, selected } from '../lib/config.mjs';
import { benchDir } from '../lib/paths.mjs';
import { describeCommand, placement, runNodeJson } from '../lib/procs.mjs';
import { median, ratio, round, roundOrder } from '../lib/stats.mjs';

// `engine` is the span engine each set-up records with (SPANWISE_ENGINE): the issue's bar is @Traced on the
// default (lean) engine against a hand-written wrapper on the SDK engine; the other two pairings are
// diagnostics that split the gain between the engine and the decorator.
const SETUPS = {
  none: { label: 'no decoration', engine: 'sdk' },
  hand: { label: 'hand-written tracer.startActiveSpan wrapper, SDK engine', engine: 'sdk' },
  'hand-lean': { label: 'diagnostic: the hand-written wrapper on the lean engine', engine: 'lean' },
  'nestjs-otel': { label: 'nestjs-otel @Span(), SDK engine', engine: 'sdk' },
  spanwise: { label: 'Spanwise @Traced(), lean engine (the default)', engine: 'lean', needs: ['nestjs'] },
  'spanwise-sdk': {
    label: 'diagnostic: Spanwise @Traced() on the SDK engine',
    engine: 'sdk',
    needs: ['nestjs'],
  },
};
const KINDS = ['sync', 'async', 'observable'];

/** Runs scenario 2 and returns its result body. */
export async function runDecorators(log) {
  const setups = {};
  const active = [];
  for (const [name, s] of Object.entries(SETUPS)) {
    if (!selected(name, ['none', 'hand'])) continue;
    const env = {
      BENCH_DECORATOR: name,
      BENCH_ENGINE: s.engine,
      BENCH_MICRO_TIME_MS: String(config.microTimeMs),
    };
    setups[name] = {
      label: s.label,
      command: `(cd bench && ${describeCommand(placement.app, 'node', ['apps/decorators.cjs'], env)})`,
      runs: [],
    };
    const avail = s.needs ? spanwiseAvailable(...s.needs) : { ok: true };
    if (avail.ok) active.push([name, env]);
    else {
      setups[name].skipped = `not available yet: ${avail.reason}`;
      log(`  ${name}: ${setups[name].skipped}`);
    }
  }
  for (let r = 0; r < config.rounds; r++) {
    for (const [name, env] of roundOrder(active, r)) {
      const run = await runNodeJson(placement.app, ['apps/decorators.cjs'], { env, cwd: benchDir });
      run.round = r;
      setups[name].runs.push(run);
      log(
        `  round ${r + 1} ${name}: ${KINDS.map((k) => `${k} ${Math.round(run.tasks[k].nsPerOp)} ns`).join(', ')}`,
      );
    }
  }
  for (const entry of Object.values(setups)) {
    if (entry.skipped) continue;
    entry.medianNsPerOp = Object.fromEntries(
      KINDS.map((k) => [k, round(median(entry.runs.map((x) => x.tasks[k].nsPerOp)), 0)]),
    );
  }
  const hand = setups.hand;
  const none = setups.none;
  for (const entry of Object.values(setups)) {
    if (entry.skipped || entry === hand || entry === none) continue;
    entry.vsHand = {};
    for (const k of KINDS) {
      // Paired per round, so a noisy round inflates both sides of the ratio alike.
      const paired = entry.runs.map((x) =>
        ratio(x.tasks[k].nsPerOp, hand.runs.find((h) => h.round === x.round)?.tasks[k].nsPerOp),
      );
      entry.vsHand[k] = round(median(paired), 2);
    }
    entry.overheadNs = Object.fromEntries(
      KINDS.map((k) => [k, round(entry.medianNsPerOp[k] - none.medianNsPerOp[k], 0)]),
    );
  }
  hand.overheadNs = Object.fromEntries(
    KINDS.map((k) => [k, round(hand.medianNsPerOp[k] - none.medianNsPerOp[k], 0)]),
  );
  return {
    title: 'Decorator cost per call',
    cores: { benchmark: placement.app ?? 'any' },
    note:
      'Figures are the median call (tinybench p50), then the median over rounds. ' +
      "All set-ups record through Spanwise's runtime (startTracing, AsyncLocalStorage context manager) with " +
      'OTEL_TRACES_EXPORTER=none (ended spans counted, never encoded), on the span engine each label names. nestjs-otel @Span ends the span when an Observable is returned, not when it completes.',
    setups,
  };
}
