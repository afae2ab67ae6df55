import 'reflect-metadata';
import { Injectable, type LoggerService, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
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

/** A Nest logger that keeps what it is given. */
class CapturingLogger implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown, context?: unknown): void {
    this.warnings.push(`${String(context)}: ${String(message)}`);
  }
}

async function boot(
  tracingModule: ReturnType<typeof TracingModule.forRoot>,
  logger: LoggerService | false = false,
) {
  @Module({ imports: [tracingModule], providers: [Billing] })
  class AppModule {}
  return NestFactory.createApplicationContext(AppModule, { logger, abortOnError: false });
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
    [
      { handlerSpans: 'yes' },
      'TracingModule: TracingModule option "handlerSpans" is "yes", not a boolean; using the default (true).',
    ],
    [
      { logCorrelation: 1 },
      'TracingModule: TracingModule option "logCorrelation" is 1, not a boolean; using the default (true).',
    ],
    [
      { isExpectedError: true },
      'TracingModule: TracingModule option "isExpectedError" is true, not a function',
    ],
    [
      { handlerSpan: true },
      'TracingModule: Unknown TracingModule option "handlerSpan" (the options are handlerSpans, isExpectedError, logCorrelation); ignoring it.',
    ],
  ])('boots with %o, logging the option, the value and the default', async (options, message) => {
    const logger = new CapturingLogger();
    const app = await boot(TracingModule.forRoot(options as TracingModuleOptions), logger);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(message);
    tracing.reset();
    // The default error rule applies: a plain error marks the span as an error.
    expect(() => app.get(Billing).charge()).toThrow(QuotaExceeded);
    expect(tracing.one('Billing.charge').status.code).toBe(SpanStatusCode.ERROR);
    await app.close();
  });

  it('boots with a bad value from forRootAsync runtime configuration', async () => {
    const logger = new CapturingLogger();
    const config = ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ TRACE_HANDLERS: 'off' })] });
    const app = await boot(
      TracingModule.forRootAsync({
        imports: [config],
        inject: [ConfigService],
        useFactory: (configService: ConfigService) =>
          ({ handlerSpans: configService.get('TRACE_HANDLERS') }) as TracingModuleOptions,
      }),
      logger,
    );
    expect(logger.warnings).toEqual([
      'TracingModule: TracingModule option "handlerSpans" is "off", not a boolean; using the default (true).',
    ]);
    expect(app.get(TraceService)).toBeInstanceOf(TraceService);
    await app.close();
  });
});
