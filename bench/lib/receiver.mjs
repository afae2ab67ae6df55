import { join } from 'node:path';
import { appsDir } from './paths.mjs';
import { placement, startNode } from './procs.mjs';

/**
 * Starts the OTLP sink (apps/receiver.cjs) on the receiver's core. Resolves with
 * `{ endpoint, counts(), reset(), mode(m), answer(a), stop() }`.
 */
export async function startSink() {
  const proc = await startNode(placement.receiver, [join(appsDir, 'receiver.cjs')]);
  return {
    endpoint: `http://127.0.0.1:${proc.ready}`,
    counts: () => proc.request({ cmd: 'counts' }),
    reset: () => proc.request({ cmd: 'reset' }),
    mode: (mode) => proc.request({ cmd: 'mode', mode }),
    answer: (answer) => proc.request({ cmd: 'answer', mode: answer }),
    stop: () => proc.stop(),
  };
}
