import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

/** The RabbitMQ the tests use. */
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const PROBE = `
const socket = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
socket.setTimeout(3000, () => { console.error('timed out'); process.exit(1); });
socket.on('connect', () => { socket.end(); process.exit(0); });
socket.on('error', (err) => { console.error(err.message); process.exit(1); });
`;

/**
 * Why the broker cannot be reached, or undefined when it accepts connections. Synchronous (a child process)
 * so a suite can decide to skip while it is collected.
 */
export function probeBroker(): string | undefined {
  const url = new URL(AMQP_URL);
  const result = spawnSync(process.execPath, ['-e', PROBE, url.hostname, url.port || '5672'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return result.status === 0 ? undefined : result.stderr.trim() || 'no answer';
}

/** Skip only outside CI: under CI=true an unreachable broker fails the suite through {@link requireBroker}. */
export function skipWithoutBroker(problem: string | undefined): boolean {
  return problem !== undefined && process.env.CI !== 'true';
}

/** Throws why the broker is unreachable (called in beforeAll, so CI fails loudly). */
export function requireBroker(problem: string | undefined): void {
  if (problem !== undefined) {
    throw new Error(`RabbitMQ is unreachable at ${AMQP_URL} (${problem}); start it or set AMQP_URL`);
  }
}

/** A queue name no other test run uses. */
export function uniqueQueue(label: string): string {
  return `spanwise.test.${label}.${randomUUID().slice(0, 8)}`;
}
