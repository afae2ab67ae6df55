import type { Fault } from './fault.js';
import type { ReceivedRequest, ReceivedSpan } from './received-span.js';

/** Options of {@link startReceiver}. */
export interface ReceiverOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Largest body accepted, before and after decompression; larger ones get 413. Default 16 MiB. */
  maxBodyBytes?: number;
}

/** A running OTLP/HTTP trace receiver, for tests and for `spanwise dev`. */
export interface Receiver {
  /** `http://HOST:PORT`. */
  readonly url: string;
  /** `url` + `/v1/traces`, the OTLP traces endpoint. */
  readonly endpoint: string;
  /** The port, fixed at the first listen and reused by {@link Receiver.listen}. */
  readonly port: number;
  /** Every span accepted (answered 200) so far, flat, in arrival order. */
  readonly spans: ReceivedSpan[];
  /** One entry per POST to the traces path, whatever the answer, added once the body is read and judged. */
  readonly requests: ReceivedRequest[];
  /** Resolves with a copy of `spans` once it holds at least `count` spans; rejects after `timeoutMs` (default 10 s). */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Resolves with a copy of `requests` once it holds at least `count`; rejects after `timeoutMs` (default 10 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Sets how to answer requests from now on. */
  setFault(fault: Fault): void;
  /** Stops listening and drops every open connection, so new connections are refused; the port is kept. */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link Receiver.stop}. */
  listen(): Promise<void>;
  /** Stops for good: like {@link Receiver.stop}, and rejects pending waits. Idempotent. */
  close(): Promise<void>;
  /** Forgets the spans and requests received so far. */
  clear(): void;
}
