import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export {
  AMQP_URL,
  probeBroker,
  requireBroker,
  skipWithoutBroker,
  uniqueQueue,
} from '../../../../test/support/broker.js';

const exec = promisify(execFile);

/**
 * Closes, from the broker side, every connection whose client-provided name is `name` (rabbitmqctl), so a
 * test can force a reconnect without touching anyone else's connections.
 */
export async function closeConnectionFromBroker(name: string): Promise<number> {
  const { stdout } = await exec('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties']);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`"connection_name","${name}"`))
    .map((line) => line.split('\t')[0])
    .filter((pid): pid is string => pid !== undefined && pid !== '');
  for (const pid of pids) {
    await exec('rabbitmqctl', ['-q', 'close_connection', pid, 'spanwise test: forced reconnect']);
  }
  return pids.length;
}
