// One harness run at a time on a machine: two runs would share the cores and each other's result files.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir } from './paths.mjs';

const LOCK = join(resultsDir, '.run.lock');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Takes the run lock, or returns the pid of the live run holding it. A lock left by a run that died is
 * taken over. The lock is released when this process exits.
 */
export function takeRunLock() {
  mkdirSync(resultsDir, { recursive: true });
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      process.on('exit', () => rmSync(LOCK, { force: true }));
      return null;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(LOCK, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return holder;
      rmSync(LOCK, { force: true });
    }
  }
}
