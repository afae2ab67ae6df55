// Decides whether the Spanwise variant of a scenario can run yet. The packages are built by other
// engineers in parallel; a variant whose package has no usable dist is skipped with the reason, never
// faked.
import { spawnSync } from 'node:child_process';
import { benchDir } from './paths.mjs';

/** What each Spanwise variant needs, as a CommonJS check that throws with a readable reason. */
const checks = {
  core: `
    require.resolve('@spanwise/core/register');
    const core = require('@spanwise/core');
    if (typeof core.getTracing !== 'function') throw new Error('@spanwise/core does not export getTracing');`,
  nestjs: `
    const nest = require('@spanwise/nestjs');
    for (const name of ['TracingModule', 'Traced']) {
      if (!nest[name]) throw new Error('@spanwise/nestjs does not export ' + name);
    }`,
  amqplib: `
    const amqp = require('@spanwise/amqplib');
    for (const name of ['DirectReplyToClient', 'reply', 'injectContext', 'extractContext']) {
      if (!amqp[name]) throw new Error('@spanwise/amqplib does not export ' + name);
    }`,
};

const cache = new Map();

/**
 * Checks the listed Spanwise packages in a fresh Node process (so a half-built package cannot disturb
 * the harness). Resolves `{ ok: true }` or `{ ok: false, reason }`.
 */
export function spanwiseAvailable(...packages) {
  const key = packages.join(',');
  if (!cache.has(key)) {
    const script = packages.map((p) => checks[p]).join('\n');
    const res = spawnSync(process.execPath, ['-e', script], { cwd: benchDir, encoding: 'utf8' });
    if (res.status === 0) cache.set(key, { ok: true });
    else {
      const lines = (res.stderr || '').split('\n');
      const msg = lines.find((l) => /^(Error|TypeError|SyntaxError)\b/.test(l)) ?? lines.find(Boolean) ?? '';
      const reason = /Cannot find module/.test(msg)
        ? `${msg.replace(/^Error: /, '').replace(/\n.*/s, '')} (package not built yet: pnpm build)`
        : msg.replace(/^Error: /, '');
      cache.set(key, { ok: false, reason: reason || `exit ${res.status}` });
    }
  }
  return cache.get(key);
}
