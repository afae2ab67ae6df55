import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { diag } from '@opentelemetry/api';
import { watchGatewayConnections } from './gateway-connection.js';
import { HandlerSpanInterceptor } from './handler-span.interceptor.js';
import { nameRoutesOf } from './http-adapter-routes.js';
import { createRouteSpanMethod, isRouteHandlerSpan } from './route-handler-span.js';
import type { AnyMethod } from './traced-method.js';
import type { TracingSettings } from './tracing-options.interface.js';
import { TRACING_SETTINGS } from './tracing-settings.provider.js';

/** `@Get()` and the other route decorators of `@nestjs/common` put the route path here. */
const PATH_METADATA = 'path';
/** `@MessagePattern()` and `@EventPattern()` of `@nestjs/microservices` put the handler type here. */
const PATTERN_HANDLER_METADATA = 'microservices:handler_type';
/** `@UseInterceptors()` of `@nestjs/common` lists a method's interceptors here. */
const INTERCEPTORS_METADATA = '__interceptors__';
/** `@WebSocketGateway()` of `@nestjs/websockets` marks a gateway class with this. */
const GATEWAY_METADATA = 'websockets:is_gateway';
/** `@SubscribeMessage()` of `@nestjs/websockets` marks a gateway's message handler with this. */
const MESSAGE_MAPPING_METADATA = 'websockets:message_mapping';

/** What this installer reads off Nest's `InstanceWrapper` of a controller. */
interface ControllerWrapper {
  metatype?: unknown;
  instance?: unknown;
}

function methodNamesOf(prototype: object): Set<string> {
  const names = new Set<string>();
  for (let proto: object | null = prototype; proto !== null && proto !== Object.prototype; ) {
    for (const key of Object.getOwnPropertyNames(proto)) if (key !== 'constructor') names.add(key);
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return names;
}

function findDescriptor(prototype: object, key: string): PropertyDescriptor | undefined {
  for (let proto: object | null = prototype; proto !== null; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor !== undefined) return descriptor;
  }
  return undefined;
}

/** The own method an instance already carries for `key` (autoTrace wraps instances as Nest makes them). */
function ownMethodOf(instance: unknown, key: string): AnyMethod | undefined {
  if (typeof instance !== 'object' || instance === null || !Object.hasOwn(instance, key)) return undefined;
  const value: unknown = (instance as Record<string, unknown>)[key];
  return typeof value === 'function' ? (value as AnyMethod) : undefined;
}

function addInterceptor(method: AnyMethod, interceptor: HandlerSpanInterceptor): void {
  const existing: unknown = Reflect.getMetadata(INTERCEPTORS_METADATA, method);
  const list = Array.isArray(existing) ? (existing as unknown[]) : [];
  if (list.some((entry) => entry instanceof HandlerSpanInterceptor)) return;
  Reflect.defineMetadata(INTERCEPTORS_METADATA, [interceptor, ...list], method);
}

/**
 * Sets up the handler spans while Nest creates the application, before its router and microservice
 * listeners bind the handlers:
 *
 * - each controller route method is replaced, on its controller's prototype, by a wrapper that opens the
 *   route's handler span (no interceptor, so Nest keeps its direct, Observable-free path for the request);
 * - the HTTP adapter names each request's server span after its route before guards run;
 * - each `@MessagePattern` / `@EventPattern` handler gets {@link HandlerSpanInterceptor}, which needs the
 *   message's context to find the parent span;
 * - so does each `@SubscribeMessage` handler of a `@WebSocketGateway`, and the WebSocket adapter is watched
 *   so each client's handshake (its trace context) is known when its messages arrive.
 */
@Injectable()
export class HandlerSpanInstaller {
  constructor(
    @Inject(TRACING_SETTINGS) settings: TracingSettings,
    @Inject(ModulesContainer) modules: ModulesContainer,
    @Inject(HttpAdapterHost) adapterHost: HttpAdapterHost,
    @Inject(HandlerSpanInterceptor) interceptor: HandlerSpanInterceptor,
    @Inject(ApplicationConfig) applicationConfig: ApplicationConfig,
  ) {
    if (!settings.handlerSpans) return;
    let gateways = 0;
    for (const module of modules.values()) {
      for (const wrapper of module.controllers.values()) {
        instrumentController(wrapper as ControllerWrapper, interceptor);
      }
      for (const wrapper of module.providers.values()) {
        if (instrumentGateway(wrapper as ControllerWrapper, interceptor)) gateways++;
      }
    }
    if (gateways > 0) watchGatewayConnections(applicationConfig);
    const adapter: unknown = adapterHost.httpAdapter;
    if (typeof adapter === 'object' && adapter !== null) nameRoutesOf(adapter);
  }
}

/** Puts the handler-span interceptor on a gateway's `@SubscribeMessage` handlers; false for a non-gateway. */
function instrumentGateway(wrapper: ControllerWrapper, interceptor: HandlerSpanInterceptor): boolean {
  const ctor = wrapper.metatype;
  if (typeof ctor !== 'function' || Reflect.getMetadata(GATEWAY_METADATA, ctor) !== true) return false;
  const prototype = ctor.prototype as object;
  for (const key of methodNamesOf(prototype)) {
    const descriptor = findDescriptor(prototype, key);
    if (descriptor === undefined || typeof descriptor.value !== 'function') continue;
    const method = descriptor.value as AnyMethod;
    if (Reflect.getMetadata(MESSAGE_MAPPING_METADATA, method) !== true) continue;
    addInterceptor(method, interceptor);
    const own = ownMethodOf(wrapper.instance, key);
    if (own !== undefined) addInterceptor(own, interceptor);
  }
  return true;
}

function instrumentController(wrapper: ControllerWrapper, interceptor: HandlerSpanInterceptor): void {
  const ctor = wrapper.metatype;
  if (typeof ctor !== 'function' || typeof ctor.prototype !== 'object' || ctor.prototype === null) return;
  const prototype = ctor.prototype as object;
  for (const key of methodNamesOf(prototype)) {
    const descriptor = findDescriptor(prototype, key);
    if (descriptor === undefined || typeof descriptor.value !== 'function') continue;
    const method = descriptor.value as AnyMethod;
    const own = ownMethodOf(wrapper.instance, key);
    if (Reflect.getMetadata(PATH_METADATA, method) !== undefined) {
      const ownDescriptor = Object.getOwnPropertyDescriptor(prototype, key);
      if (!isRouteHandlerSpan(method) && ownDescriptor?.configurable !== false) {
        try {
          Object.defineProperty(prototype, key, {
            value: createRouteSpanMethod(method, ctor.name, key),
            configurable: true,
            writable: true,
            enumerable: descriptor.enumerable === true,
          });
        } catch (error) {
          // A frozen prototype: the route works as before, without its handler span.
          diag.warn(`@spanwise/nestjs: no handler span for ${ctor.name}.${key}: ${String(error)}`);
        }
      }
      // The router calls an instance's own method (an autoTrace wrapper) in place of the prototype's.
      if (own !== undefined && !isRouteHandlerSpan(own)) {
        (wrapper.instance as Record<string, unknown>)[key] = createRouteSpanMethod(own, ctor.name, key);
      }
    } else if (Reflect.getMetadata(PATTERN_HANDLER_METADATA, method) !== undefined) {
      addInterceptor(method, interceptor);
      if (own !== undefined) addInterceptor(own, interceptor);
    }
  }
}
