// `node bench/startup-ab.mjs <checkout A> <checkout B> [rounds]`: start-up of the register hook from two
// checkouts of this repository (each installed and built), interleaved round by round (A B, B A, ...):
// `node --require @spanwise/core/register -e 0` run from each checkout's test/ folder, the collector refused,
// CPU (user + sys) and peak RSS from GNU time. Prints medians with ranges and B/A paired by round.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { median, round } from './lib/stats.mjs';

const [a, b, roundsArg] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: node bench/startup-ab.mjs <checkout A> <checkout B> [rounds]');
const rounds = Number(roundsArg || 15);
const sides = { A: resolve(a), B: resolve(b) };

function once(root) {
  const { stderr: out, status } = spawnSync(
    '/usr/bin/time',
    ['-f', '%U %S %M', process.execPath, '--require', '@spanwise/core/register', '-e', '0'],
    {
      cwd: join(root, 'test'),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (status !== 0) throw new Error(`start-up run failed in ${root}:\n${out}`);
  const [user, sys, rssKb] = out.trim().split('\n').at(-1).split(' ').map(Number);
  return { cpuS: user + sys, rssMB: rssKb / 1024 };
}

const runs = { A: [], B: [] };
for (let r = 0; r < rounds; r++) {
  for (const side of r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) runs[side].push(once(sides[side]));
}
const range = (xs) => `${round(Math.min(...xs), 2)}–${round(Math.max(...xs), 2)}`;
for (const side of ['A', 'B']) {
  const cpu = runs[side].map((x) => x.cpuS);
  const rss = runs[side].map((x) => x.rssMB);
  console.log(
    `${side} ${sides[side]}: CPU ${round(median(cpu), 3)} s (${range(cpu)}), peak RSS ${round(median(rss), 1)} MB (${range(rss)})`,
  );
}
const cpuRatio = runs.B.map((x, i) => x.cpuS / runs.A[i].cpuS);
const rssDiff = runs.B.map((x, i) => x.rssMB - runs.A[i].rssMB);
console.log(
  `B/A CPU paired by round: ${round(median(cpuRatio), 2)}x (${range(cpuRatio)}); ` +
    `B−A peak RSS: ${round(median(rssDiff), 1)} MB (${range(rssDiff)})`,
);
