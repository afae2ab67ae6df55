import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { nameHttpServerSpan, routeTemplateOf } from './http-server-span.js';
import type { TracingSettings } from './tracing-options.interface.js';
import { TRACING_SETTINGS } from './tracing-settings.provider.js';

/**
 * Names the HTTP server span after the route before any controller or method guard runs, so a request a
 * guard rejects (403) still carries its route. It never denies anything.
 */
@Injectable()
export class RouteNamingGuard implements CanActivate {
  constructor(@Inject(TRACING_SETTINGS) private readonly settings: TracingSettings) {}

  canActivate(executionContext: ExecutionContext): boolean {
    if (this.settings.handlerSpans && executionContext.getType() === 'http') {
      const request: unknown = executionContext.switchToHttp().getRequest();
      nameHttpServerSpan(request, routeTemplateOf(request), context.active());
    }
    return true;
  }
}
