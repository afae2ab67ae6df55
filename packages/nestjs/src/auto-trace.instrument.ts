import { isNoTrace } from './traced.decorator.js';
import { type AnyMethod, createTracedMethod, tracedOriginal } from './traced-method.js';
import { toTracedSpec } from './traced-spec.js';
import { LIFECYCLE_HOOKS } from './tracing.constants.js';

/** A class or method selector: an exact name, a pattern, or a predicate. */
export type AutoTraceRule = string | RegExp | ((className: string, methodName: string) => boolean);

/** Options of {@link autoTrace}. */
export interface AutoTraceOptions {
  /** Trace only methods matching one of these rules (tested against the class name, or `Class.method`). Default: every method. */
  include?: readonly AutoTraceRule[];
  /** Never trace methods matching one of these rules. Applied after `include`. */
  exclude?: readonly AutoTraceRule[];
}

/** The value for `NestFactory.create(AppModule, { instrument })`. */
export interface AutoTraceInstrument {
  instanceDecorator: (instance: unknown) => unknown;
}

/** Nest marks `@Injectable()` and `@Controller()` classes with these keys. */
const NEST_CLASS_MARKERS = ['__injectable__', '__controller__'] as const;

/** Nest's own injectables, which run on every request and are no work of the application. */
const NEST_INTERNALS: ReadonlySet<string> = new Set([
  'Reflector',
  'ModuleRef',
  'HttpAdapterHost',
  'LazyModuleLoader',
  'ExternalContextCreator',
  'ModulesContainer',
  'SerializedGraph',
  'DiscoveryService',
  'MetadataScanner',
  'ConsoleLogger',
  'Logger',
  'TraceService',
  'HandlerSpanInterceptor',
  'HandlerSpanInstaller',
]);

function matches(rule: AutoTraceRule, className: string, methodName: string): boolean {
  if (typeof rule === 'function') return rule(className, methodName);
  const qualified = `${className}.${methodName}`;
  if (typeof rule === 'string') return rule === className || rule === qualified;
  return rule.test(className) || rule.test(qualified);
}

function isNestClass(ctor: object): boolean {
  return NEST_CLASS_MARKERS.some((marker) => Reflect.getMetadata(marker, ctor) === true);
}

function methodNamesOf(instance: object): Set<string> {
  const names = new Set<string>();
  for (
    let proto = Object.getPrototypeOf(instance);
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) names.add(key);
  }
  return names;
}

function findDescriptor(instance: object, key: string): PropertyDescriptor | undefined {
  for (let proto = Object.getPrototypeOf(instance); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor !== undefined) return descriptor;
  }
  return undefined;
}

/**
 * Traces every method of the application's providers and controllers, through Nest's
 * `instrument.instanceDecorator` hook:
 *
 * ```ts
 * const app = await NestFactory.create(AppModule, { instrument: autoTrace({ exclude: [/Health/] }) });
 * ```
 *
 * Each `@Injectable()` or `@Controller()` instance gets own-property wrappers with the same rules as a
 * class-level `@Traced` (lifecycle hooks, accessors and `@NoTrace()` methods are skipped, a method's own
 * `@Traced` wins); Nest's own injectables are left alone. The prototypes are not touched, so instances made
 * outside Nest stay untraced.
 */
export function autoTrace(options: AutoTraceOptions = {}): AutoTraceInstrument {
  const include = options.include;
  const exclude = options.exclude ?? [];
  const accept = (className: string, methodName: string): boolean =>
    (include === undefined || include.some((rule) => matches(rule, className, methodName))) &&
    !exclude.some((rule) => matches(rule, className, methodName));
  return {
    instanceDecorator(instance: unknown): unknown {
      if (typeof instance !== 'object' || instance === null) return instance;
      const ctor = (instance as { constructor?: unknown }).constructor;
      if (typeof ctor !== 'function' || !isNestClass(ctor) || NEST_INTERNALS.has(ctor.name)) return instance;
      for (const key of methodNamesOf(instance)) {
        if (LIFECYCLE_HOOKS.has(key) || Object.hasOwn(instance, key) || !accept(ctor.name, key)) continue;
        const descriptor = findDescriptor(instance, key);
        if (descriptor === undefined || typeof descriptor.value !== 'function') continue;
        const method = descriptor.value as AnyMethod;
        if (isNoTrace(method) || tracedOriginal(method) !== undefined) continue;
        const traced = createTracedMethod(method, toTracedSpec(`${ctor.name}.${key}`, {}));
        Object.defineProperty(instance, key, { value: traced, configurable: true, writable: true });
      }
      return instance;
    },
  };
}
