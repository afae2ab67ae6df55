import type { TracingModuleOptions, TracingSettings } from './tracing-options.interface.js';

const KNOWN: ReadonlySet<string> = new Set(['handlerSpans', 'isExpectedError', 'logCorrelation']);
const DEFAULTS: TracingSettings = { handlerSpans: true, isExpectedError: undefined, logCorrelation: true };

/** A short, printable form of an option value for a warning. */
function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

/**
 * Checks the module options once at startup and applies the defaults. A bad value never stops the app, even
 * one from runtime configuration (`forRootAsync`): `warn` gets one message naming the option, the value and
 * the default used instead, and the app boots with that default.
 */
export function validateTracingOptions(options: unknown, warn: (message: string) => void): TracingSettings {
  const value = options ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    warn(`TracingModule options must be an object, got ${show(value)}; using the defaults.`);
    return { ...DEFAULTS };
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key)) {
      warn(`Unknown TracingModule option "${key}" (the options are ${[...KNOWN].join(', ')}); ignoring it.`);
    }
  }
  const { handlerSpans, isExpectedError, logCorrelation } = value as TracingModuleOptions;
  const settings: { -readonly [K in keyof TracingSettings]: TracingSettings[K] } = { ...DEFAULTS };
  for (const name of ['handlerSpans', 'logCorrelation'] as const) {
    const flag = name === 'handlerSpans' ? handlerSpans : logCorrelation;
    if (flag === undefined) continue;
    if (typeof flag === 'boolean') settings[name] = flag;
    else warn(`TracingModule option "${name}" is ${show(flag)}, not a boolean; using the default (true).`);
  }
  if (isExpectedError === undefined || typeof isExpectedError === 'function') {
    settings.isExpectedError = isExpectedError;
  } else {
    warn(
      `TracingModule option "isExpectedError" is ${show(isExpectedError)}, not a function (error) => boolean; ` +
        'using the default rule (an HttpException below 500, an RpcException or a WsException is expected).',
    );
  }
  return settings;
}
