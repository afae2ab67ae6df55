// PostgreSQL for the tests that need it: where it is, and CI's rule that a missing database fails instead
// of skipping.
import { spawnSync } from 'node:child_process';

/** Database under test; CI and the local machine run PostgreSQL on loopback (trust authentication, db `test`). */
export const PG_URL = process.env.PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

const PROBE = `
const socket = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
socket.setTimeout(3000, () => { console.error('timed out'); process.exit(1); });
socket.on('connect', () => { socket.end(); process.exit(0); });
socket.on('error', (err) => { console.error(err.message); process.exit(1); });
`;

/** Why PostgreSQL's port cannot be reached, or undefined when it accepts connections. */
export function probePostgres(): string | undefined {
  const url = new URL(PG_URL);
  const result = spawnSync(process.execPath, ['-e', PROBE, url.hostname, url.port || '5432'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return result.status === 0 ? undefined : result.stderr.trim() || 'no answer';
}

/** Skip only outside CI; under CI=true a missing database fails the suite (see {@link requirePostgres}). */
export function skipWithoutPostgres(problem: string | undefined): boolean {
  return problem !== undefined && process.env.CI !== 'true';
}

/** Throws the reason PostgreSQL is unreachable (called in beforeAll, so CI fails loudly). */
export function requirePostgres(problem: string | undefined): void {
  if (problem !== undefined) {
    throw new Error(`PostgreSQL is unreachable at ${PG_URL} (${problem}); start it or set PG_URL`);
  }
}
