import type { Server } from 'node:http';

/** What the drain needs of a response in flight. */
interface Answering {
  readonly headersSent: boolean;
  readonly writableFinished: boolean;
  readonly socket: { end(): void } | null;
  setHeader(name: string, value: string): unknown;
  once(event: 'finish', listener: () => void): unknown;
}

/**
 * The HTTP servers the server-span instrumentation has seen and the requests they are answering, so that a
 * signal the app does not handle can end the process without losing a span of an answered request: stop
 * taking new work (close the listening sockets, close idle keep-alive connections, and answer every
 * request from then on with `Connection: close`), wait for the requests in flight, and only then flush.
 *
 * A busy keep-alive connection survives `server.close()` and keeps serving every request its client sends
 * (measured on Node 24), so closing the listener alone would never run out of work under load.
 */
export class ServerDrain {
  private readonly servers = new Set<Server>();
  private readonly inFlight = new Set<Answering>();
  private draining = false;
  private onIdle: (() => void) | undefined;

  /** A request arrived on `server`; `response` answers it. O(1). */
  started(server: Server, response: Answering): void {
    this.inFlight.add(response);
    if (!this.servers.has(server)) {
      this.servers.add(server);
      server.once('close', () => this.servers.delete(server));
    }
    if (this.draining) this.stopServing(server, response);
  }

  /** The response closed: finished, or cut off. */
  ended(response: Answering): void {
    if (!this.inFlight.delete(response)) return;
    if (this.inFlight.size === 0) this.onIdle?.();
  }

  /**
   * Stops every known server taking new requests and resolves once none is in flight, or at `deadlineAt`
   * (`Date.now()` time) with the rest still running. Until then its timer keeps the process alive.
   */
  drain(deadlineAt: number): Promise<void> {
    this.draining = true;
    for (const server of this.servers) this.closeServer(server);
    for (const response of this.inFlight) this.closeAfter(response);
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.onIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadlineAt - Date.now()));
      this.onIdle = done;
    });
  }

  private stopServing(server: Server, response: Answering): void {
    this.closeServer(server);
    this.closeAfter(response);
  }

  private closeServer(server: Server): void {
    try {
      if (server.listening) server.close();
      server.closeIdleConnections();
    } catch {
      // A server the app already closed, or a non-http one without closeIdleConnections.
    }
  }

  /** Ends the response's connection once it is answered, so its client opens no further request on it. */
  private closeAfter(response: Answering): void {
    try {
      if (!response.headersSent) response.setHeader('connection', 'close');
      else if (!response.writableFinished) response.once('finish', () => response.socket?.end());
      else response.socket?.end();
    } catch {
      // Headers being written right now: the connection closes with the process.
    }
  }
}

/** The process's one drain, fed by the HTTP server instrumentation. */
export const serverDrain = new ServerDrain();
