import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerDrain } from '../src/shutdown/server-drain.js';

// Real servers and keep-alive sockets; the HTTP server instrumentation feeds the drain the same way.

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** A server whose handler is fed to `drain`, answering after `answer` resolves. */
async function serve(drain: ServerDrain, answer: () => Promise<void>) {
  const server = http.createServer((_req, res) => {
    drain.started(server, res);
    res.on('close', () => drain.ended(res));
    void answer().then(() => res.end('ok'));
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, agent: http.Agent): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers));
      })
      .on('error', reject);
  });
}

/** A promise and its resolve. */
function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('ServerDrain', () => {
  it('stops the server listening, lets the request in flight finish with Connection: close, then resolves', async () => {
    const drain = new ServerDrain();
    const arrived = deferred();
    const release = deferred();
    let calls = 0;
    const { server, port } = await serve(drain, () => {
      if (++calls === 1) return Promise.resolve();
      arrived.resolve();
      return release.promise;
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(port, agent)).connection).toBe('keep-alive');
    const inFlight = get(port, agent);
    await arrived.promise;
    let drained = false;
    const done = drain.drain(Date.now() + 60_000).then(() => {
      drained = true;
    });
    expect(server.listening).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    release.resolve();
    expect((await inFlight).connection).toBe('close');
    await done;
    agent.destroy();
  });

  it('resolves at its deadline when a request never finishes', async () => {
    const drain = new ServerDrain();
    const arrived = deferred();
    const { port } = await serve(drain, () => {
      arrived.resolve();
      return new Promise<void>(() => undefined);
    });
    const agent = new http.Agent({ keepAlive: true });
    const pending = get(port, agent).catch(() => undefined);
    await arrived.promise;
    await drain.drain(Date.now() + 50);
    agent.destroy();
    await pending;
  });

  it('resolves at once when nothing is in flight, and closes a server as soon as a request arrives on it', async () => {
    const drain = new ServerDrain();
    const { server, port } = await serve(drain, () => Promise.resolve());
    await drain.drain(Date.now() + 60_000);
    // It never had a request, so the drain did not know it yet.
    expect(server.listening).toBe(true);
    const agent = new http.Agent({ keepAlive: true });
    expect((await get(port, agent)).connection).toBe('close');
    expect(server.listening).toBe(false);
    agent.destroy();
  });
});
