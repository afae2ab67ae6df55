import type { ExportStats } from '../types.js';

/** Counters with nothing counted: before the SDK loads, and the base of the console/none processor's. */
export function emptyStats(): ExportStats {
  return {
    exportedSpans: 0,
    queuedSpans: 0,
    queuedBytes: 0,
    failedExports: 0,
    retries: 0,
    droppedSpans: { queueFull: 0, exportFailed: 0, shutdown: 0 },
    circuit: 'closed',
  };
}
