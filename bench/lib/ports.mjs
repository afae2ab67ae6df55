import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on: bound, read and released. Connecting to it is refused at once,
 * which is what "collector unreachable" means for start-up and exit.
 */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
