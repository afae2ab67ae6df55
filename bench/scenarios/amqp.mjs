// Scenario 5: AMQP per-message overhead on the real broker, raw amqplib vs the stock auto-instrumentation
// vs Spanwise's helpers, for publish/consume and for direct reply-to RPC. Each run is its own process
// (apps/amqp.cjs); set-ups are interleaved round by round; spans are counted at the sink after a flush.
import { connect } from 'node:net';
import { spanwiseAvailable } from '../lib/availability.mjs';
import { config, selected } from '../lib/config.mjs';
import { benchDir } from '../lib/paths.mjs';
import { describeCommand, placement, runNodeJson } from '../lib/procs.mjs';
import { startSink } from '../lib/receiver.mjs';
import { median, round, roundOrder } from '../lib/stats.mjs';

const SETUPS = {
  raw: { label: 'raw amqplib', preload: [] },
  stock: {
    label: 'stock: NodeSDK + getNodeAutoInstrumentations (instrumentation-amqplib) + OTLP proto exporter',
    preload: ['--require', './apps/otel-sdk.cjs'],
    env: { BENCH_OTEL_SETUP: 'stock' },
  },
  spanwise: {
    label:
      'Spanwise: --require @spanwise/core/register + tracedSendToQueue/tracedConsume, DirectReplyToClient/reply',
    preload: ['--require', '@spanwise/core/register'],
    needs: ['core', 'amqplib'],
  },
};
const WORKLOADS = {
  pubsub: { label: 'publish + consume (ack), per message', n: () => config.amqpMessages },
  rpc: { label: 'direct reply-to RPC, sequential, per round trip', n: () => config.amqpRpcs },
};

function brokerReachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const sock = connect(Number(port || 5672), hostname);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Runs scenario 5 and returns its result body. */
export async function runAmqp(log) {
  if (!(await brokerReachable(config.amqpUrl))) {
    throw new Error(`no RabbitMQ at ${config.amqpUrl}: scenario amqp needs the real broker (set AMQP_URL)`);
  }
  const sink = await startSink();
  const workloads = {};
  const active = [];
  for (const [w, wl] of Object.entries(WORKLOADS)) {
    workloads[w] = { label: wl.label, setups: {} };
    for (const [name, s] of Object.entries(SETUPS)) {
      if (!selected(name, ['raw'])) continue;
      const env = {
        ...s.env,
        BENCH_AMQP_SETUP: name,
        BENCH_AMQP_WORKLOAD: w,
        BENCH_AMQP_N: String(wl.n()),
        OTEL_SERVICE_NAME: 'bench-amqp',
      };
      const args = [...s.preload, 'apps/amqp.cjs'];
      const entry = {
        label: s.label,
        command: `(cd bench && ${describeCommand(placement.app, 'node', args, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: '<receiver>' })})`,
        runs: [],
      };
      workloads[w].setups[name] = entry;
      const avail = s.needs ? spanwiseAvailable(...s.needs) : { ok: true };
      if (avail.ok)
        active.push({ w, name, args, env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint } });
      else {
        entry.skipped = `not available yet: ${avail.reason}`;
        if (w === 'pubsub') log(`  ${name}: ${entry.skipped}`);
      }
    }
  }
  try {
    for (let r = 0; r < config.rounds; r++) {
      for (const job of roundOrder(active, r)) {
        await sink.reset();
        const run = await runNodeJson(placement.app, job.args, { env: job.env, cwd: benchDir });
        const recv = await sink.counts();
        run.round = r;
        run.spansReceived = recv.spans;
        run.spansPerMessage = recv.spans / run.messages;
        run.spanNames = recv.names;
        run.spansLost = typeof run.ended === 'number' ? run.ended - recv.spans : null;
        workloads[job.w].setups[job.name].runs.push(run);
        log(
          `  round ${r + 1} ${job.w} ${job.name}: ${run.usPerOp.toFixed(1)} us/op, ${run.spansPerMessage.toFixed(2)} spans/msg, ` +
            `lost ${run.spansLost ?? '-'} (reported dropped ${run.dropped ?? '-'})` +
            (run.flushError ? `, flush failed: ${run.flushError}` : ''),
        );
      }
    }
  } finally {
    await sink.stop();
  }
  for (const wl of Object.values(workloads)) {
    const raw = wl.setups.raw;
    for (const entry of Object.values(wl.setups)) {
      if (entry.skipped) continue;
      entry.median = {
        usPerOp: round(median(entry.runs.map((x) => x.usPerOp)), 1),
        spansPerMessage: round(median(entry.runs.map((x) => x.spansPerMessage)), 2),
        spansLost: median(entry.runs.map((x) => x.spansLost)),
      };
      if (entry === raw) continue;
      // Paired per round: this run's cost minus the raw run's of the same round.
      const extra = entry.runs.map(
        (x) => x.usPerOp - (raw.runs.find((b) => b.round === x.round)?.usPerOp ?? Number.NaN),
      );
      entry.extraUsPerOp = round(median(extra), 1);
      entry.ratioVsRaw = round(
        median(entry.runs.map((x) => x.usPerOp / raw.runs.find((b) => b.round === x.round)?.usPerOp)),
        2,
      );
    }
  }
  return {
    title: 'AMQP per-message overhead (RabbitMQ on 127.0.0.1)',
    cores: {
      client: placement.app ?? 'any',
      receiver: placement.receiver ?? 'any',
      broker: 'unpinned (system service)',
    },
    workloads,
  };
}
