import { warnIfMangled } from './mangled-name.warning.js';
import { type AnyMethod, createTracedMethod, tracedOriginal } from './traced-method.js';
import { type TracedOptions, toTracedSpec } from './traced-spec.js';
import { LIFECYCLE_HOOKS, NO_TRACE } from './tracing.constants.js';

function normalize(nameOrOptions: string | TracedOptions | undefined): TracedOptions {
  if (nameOrOptions === undefined) return {};
  return typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
}

/** True for a method that `@NoTrace()` marks. */
export function isNoTrace(method: unknown): boolean {
  return typeof method === 'function' && Reflect.getMetadata(NO_TRACE, method) === true;
}

/** The class name a span is named after, for a prototype or (static methods) a constructor. */
function ownerName(target: object): string {
  return typeof target === 'function' ? target.name : target.constructor.name;
}

/**
 * Wraps every own method of `prototype` (not the constructor, lifecycle hooks, accessors, `@NoTrace()`
 * methods nor methods that already carry their own `@Traced`).
 */
export function traceClassMethods(
  prototype: object,
  className: string,
  options: TracedOptions,
  accept: (method: string) => boolean = () => true,
): void {
  for (const key of Object.getOwnPropertyNames(prototype)) {
    if (LIFECYCLE_HOOKS.has(key) || !accept(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (descriptor === undefined || typeof descriptor.value !== 'function' || descriptor.writable !== true)
      continue;
    const method = descriptor.value as AnyMethod;
    if (isNoTrace(method) || tracedOriginal(method) !== undefined) continue;
    const { name, ...rest } = options;
    if (name === undefined) warnIfMangled(className, `${className}.${key}`);
    const spec = toTracedSpec(`${name ?? className}.${key}`, rest);
    Object.defineProperty(prototype, key, { ...descriptor, value: createTracedMethod(method, spec) });
  }
}

/**
 * Traces a method, or every own method of a class.
 *
 * On a method, the span is named `ClassName.method` unless a name is given. On a class, each method gets a
 * span named `ClassName.method` (or `name.method` when a name is given); the constructor, lifecycle hooks
 * (`onModuleInit` ...), accessors and methods marked `@NoTrace()` are left alone, and a method with its own
 * `@Traced` keeps it. The span covers the work whatever the method returns (value, promise or thenable,
 * Observable, async iterator, stream); every reflect-metadata key, the name and the length of the method are
 * kept, so route, pattern, guard and Swagger decorators work in either order.
 *
 * @param nameOrOptions - A fixed span name, or {@link TracedOptions}.
 */
export function Traced(nameOrOptions?: string | TracedOptions): ClassDecorator & MethodDecorator {
  const options = normalize(nameOrOptions);
  return ((target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (propertyKey === undefined || descriptor === undefined) {
      const ctor = target as { name: string; prototype: object };
      traceClassMethods(ctor.prototype, ctor.name, options);
      return;
    }
    if (typeof descriptor.value !== 'function') return descriptor;
    const className = ownerName(target);
    if (options.name === undefined) warnIfMangled(className, `${className}.${String(propertyKey)}`);
    const spec = toTracedSpec(`${className}.${String(propertyKey)}`, options);
    descriptor.value = createTracedMethod(descriptor.value as AnyMethod, spec);
    return descriptor;
  }) as ClassDecorator & MethodDecorator;
}

/** Excludes a method from a class-level `@Traced` and from autoTrace. */
export function NoTrace(): MethodDecorator {
  return (_target, _propertyKey, descriptor) => {
    if (typeof descriptor.value === 'function') Reflect.defineMetadata(NO_TRACE, true, descriptor.value);
    return descriptor;
  };
}
