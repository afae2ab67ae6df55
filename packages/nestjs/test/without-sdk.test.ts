import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { Traced, TraceService } from '../src/index.js';
import { HttpAppModule } from './fixtures/http-app.js';

class Plain {
  pending = Promise.resolve(1);

  @Traced()
  work(): Promise<number> {
    return this.pending;
  }
}

describe('without an SDK', () => {
  it('calls a @Traced method straight through, returning its own result', () => {
    const plain = new Plain();
    expect(plain.work()).toBe(plain.pending);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('serves a traced app normally and TraceService reads no ids', async () => {
    const app = await NestFactory.create(HttpAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const port = (app.getHttpServer().address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/cats/3`);
      expect(await response.json()).toEqual({ id: 3 });
      const slow = await fetch(`http://127.0.0.1:${port}/cats/slow`);
      expect(await slow.json()).toEqual({ slow: true });
      const traces = app.get(TraceService);
      expect(traces.getTraceId()).toBeUndefined();
      expect(traces.getSpanId()).toBeUndefined();
      expect(traces.startSpan('x').isRecording()).toBe(false);
    } finally {
      await app.close();
    }
  });
});
