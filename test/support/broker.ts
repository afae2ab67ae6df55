// RabbitMQ for the tests of every package: where it is, whether it answers, and CI's rule that a missing
// broker fails instead of skipping.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

/** Broker under test; the CI script and the local machine run RabbitMQ on loopback. */
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const IN_CI = process.env.CI === 'true';

const PROBE = `
const socket = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
socket.setTimeout(3000, () => { console.error('timed out'); process.exit(1); });
socket.on('connect', () => { socket.end(); process.exit(0); });
socket.on('error', (err) => { console.error(err.message); process.exit(1); });
`;

/**
 * Why the broker's port cannot be reached, or undefined when it accepts connections. Synchronous (a child
 * process), so suites can decide to skip while they are being collected.
 */
export function probeBroker(): string | undefined {
  const url = new URL(AMQP_URL);
  const result = spawnSync(process.execPath, ['-e', PROBE, url.hostname, url.port || '5672'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return result.status === 0 ? undefined : result.stderr.trim() || 'no answer';
}

/**
 * Whether a suite that needs RabbitMQ should be skipped: only outside CI. Under CI=true an unreachable broker
 * is a failure, reported by {@link requireBroker} in the suite's beforeAll.
 */
export function skipWithoutBroker(problem: string | undefined): boolean {
  return problem !== undefined && !IN_CI;
}

/** Throws the reason the broker is unreachable (called in beforeAll, so CI fails loudly). */
export function requireBroker(problem: string | undefined): void {
  if (problem !== undefined) {
    throw new Error(`RabbitMQ is unreachable at ${AMQP_URL} (${problem}); start it or set AMQP_URL`);
  }
}

/** A queue name no other test (or engineer) uses. */
export function uniqueQueue(label: string): string {
  return `spanwise.test.${label}.${randomUUID().slice(0, 8)}`;
}
