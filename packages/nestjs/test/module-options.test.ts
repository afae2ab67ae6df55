import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  isTracingOptionsError,
  Traced,
  TraceService,
  TracingModule,
  type TracingModuleOptions,
  type TracingOptionsFactory,
} from '../src/index.js';
import { setupTracing } from './support/otel.js';

const tracing = setupTracing();

class QuotaExceeded extends Error {}

@Injectable()
class Billing {
  @Traced()
  charge(): never {
    throw new QuotaExceeded('over quota');
  }
}

@Injectable()
class OptionsFactory implements TracingOptionsFactory {
  createTracingOptions(): TracingModuleOptions {
    return { isExpectedError: (error) => error instanceof QuotaExceeded };
  }
}

async function boot(tracingModule: ReturnType<typeof TracingModule.forRoot>, imports: unknown[] = []) {
  @Module({ imports: [tracingModule, ...(imports as [])], providers: [Billing] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
}

describe('TracingModule options', () => {
  it('forRootAsync reads options from ConfigService through useFactory + inject', async () => {
    const config = ConfigModule.forRoot({
      ignoreEnvFile: true,
      load: [() => ({ tracing: { expected: 'QuotaExceeded' } })],
    });
    const app = await boot(
      TracingModule.forRootAsync({
        imports: [config],
        inject: [ConfigService],
        useFactory: (configService: ConfigService): TracingModuleOptions => {
          const expected = configService.getOrThrow<string>('tracing.expected');
          return {
            isExpectedError: (error) => error instanceof Error && error.constructor.name === expected,
          };
        },
      }),
    );
    tracing.reset();
    expect(() => app.get(Billing).charge()).toThrow(QuotaExceeded);
    const span = tracing.one('Billing.charge');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(app.get(TraceService)).toBeInstanceOf(TraceService);
    await app.close();
  });

  it('forRootAsync accepts useClass', async () => {
    const app = await boot(TracingModule.forRootAsync({ useClass: OptionsFactory }));
    tracing.reset();
    expect(() => app.get(Billing).charge()).toThrow(QuotaExceeded);
    expect(tracing.one('Billing.charge').status.code).toBe(SpanStatusCode.UNSET);
    await app.close();
  });

  it('uses the default error rules with forRoot()', async () => {
    const app = await boot(TracingModule.forRoot());
    tracing.reset();
    expect(() => app.get(Billing).charge()).toThrow(QuotaExceeded);
    expect(tracing.one('Billing.charge').status.code).toBe(SpanStatusCode.ERROR);
    await app.close();
  });

  it('takes isGlobal as an extra, not as an option', async () => {
    const app = await boot(TracingModule.forRoot({ isGlobal: false, handlerSpans: true }));
    expect(app.get(TraceService)).toBeInstanceOf(TraceService);
    await app.close();
  });

  it.each([
    [{ handlerSpans: 'yes' }, /"handlerSpans" must be a boolean/],
    [{ logCorrelation: 1 }, /"logCorrelation" must be a boolean/],
    [{ isExpectedError: true }, /"isExpectedError" must be a function/],
    [{ handlerSpan: true }, /Unknown TracingModule option "handlerSpan"/],
  ])('rejects %o at startup with a clear error', async (options, message) => {
    const failure = await boot(TracingModule.forRoot(options as TracingModuleOptions)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isTracingOptionsError(failure)).toBe(true);
    expect((failure as Error).message).toMatch(message);
  });
});
