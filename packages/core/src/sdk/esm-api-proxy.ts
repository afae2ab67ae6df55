import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type ProxyTracerProvider, trace } from '@opentelemetry/api';

const API = '@opentelemetry/api';
/** The conditions Node's ES module loader matches, in the order it tries an `exports` object's keys. */
const IMPORT_CONDITIONS = new Set(['node', 'import', 'module-sync', 'default']);

/** The file an `exports` target resolves to under `import`, or `undefined`. */
function importTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (!IMPORT_CONDITIONS.has(condition)) continue;
    const found = importTarget(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The ES module entry of the @opentelemetry/api this package resolves, when it differs from the CommonJS one. */
function esmEntry(cjsEntry: string): string | undefined {
  for (let dir = dirname(cjsEntry); dir !== dirname(dir); dir = dirname(dir)) {
    let manifest: { name?: unknown; exports?: Record<string, unknown> };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (manifest.name !== API) continue;
    const target = importTarget(manifest.exports?.['.']);
    const file = target === undefined ? undefined : resolve(dir, target);
    return file === cjsEntry ? undefined : file;
  }
  return undefined;
}

/**
 * The tracer provider proxy of the ES module build of @opentelemetry/api, when that build is a second copy in
 * this process and has no global provider yet: call before registering the global provider.
 *
 * @opentelemetry/api ships a CommonJS and an ES module build, each with its own `ProxyTracerProvider`. The
 * global provider is registered through one copy (Spanwise's, CommonJS); the other copy reads that global
 * only once it exists. A tracer taken from the ES module copy before then (a NestJS module's top-level
 * `trace.getTracer()`, hoisted above `startTracing()` by `import`) is bound to that copy's own proxy, which
 * nothing ever gives a delegate: it would never record. Pointing that proxy at the global provider makes such
 * tracers record once tracing starts. The ES module build is loaded with `require()` (Node >= 22.12), which
 * shares the ES module cache, so this is the very instance `import` gave the app.
 */
export function esmApiProxy(): ProxyTracerProvider | undefined {
  try {
    const file = esmEntry(require.resolve(API));
    if (file === undefined) return undefined;
    const esm = require(file) as typeof import('@opentelemetry/api');
    if (esm.trace === trace) return undefined;
    const provider = esm.trace.getTracerProvider();
    // Both builds return the same object when a global provider is already registered: nothing is stranded.
    if (provider === trace.getTracerProvider() || !(provider instanceof esm.ProxyTracerProvider)) {
      return undefined;
    }
    return provider;
  } catch {
    return undefined;
  }
}
