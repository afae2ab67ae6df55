import { connect } from 'node:net';

/** The RabbitMQ the tests use. */
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** True when something accepts TCP connections at the broker's address. */
export function probeBroker(url = AMQP_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 5672) });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether broker tests run: always under CI (where a missing broker must fail them), else when it answers. */
export async function brokerTestsEnabled(): Promise<boolean> {
  return process.env.CI === 'true' || (await probeBroker());
}

/** A queue name no other test run uses. */
export function uniqueQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}
