import { logger } from '../logger.js';

/** The environment to read: `process.env` unless a test passes its own. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads typed values from environment variables. A bad value never throws: it produces one warning that
 * names the variable, the value and the fallback that is used instead.
 */
export class EnvReader {
  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or empty (the spec treats empty as unset). */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** The first of `names` that is set, with the name it came from. */
  first(...names: string[]): { name: string; value: string } | undefined {
    for (const name of names) {
      const value = this.raw(name);
      if (value !== undefined) return { name, value };
    }
    return undefined;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    this.invalid(name, value, 'true or false', String(fallback));
    return fallback;
  }

  /**
   * A whole number within [min, max]. Anything else, out-of-range values included, warns and gives the
   * documented default: a queue of 1 span or a 1 ms timeout is never what a `-1` or `0` meant.
   */
  int(names: string | string[], fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const found = this.first(...(Array.isArray(names) ? names : [names]));
    if (found === undefined) return fallback;
    const parsed = /^[+-]?\d+$/.test(found.value) ? Number(found.value) : Number.NaN;
    if (!Number.isSafeInteger(parsed)) {
      this.invalid(found.name, found.value, 'a whole number', String(fallback));
      return fallback;
    }
    if (parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
      this.invalid(found.name, found.value, `a whole number ${range}`, String(fallback));
      return fallback;
    }
    return parsed;
  }

  /** A comma-separated list, lower-cased, without empty entries. */
  list(names: string | string[]): string[] | undefined {
    const found = this.first(...(Array.isArray(names) ? names : [names]));
    if (found === undefined) return undefined;
    return found.value
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item !== '');
  }

  /** One of `allowed` (case-insensitive). */
  oneOf<T extends string>(names: string | string[], allowed: readonly T[], fallback: T): T {
    const found = this.first(...(Array.isArray(names) ? names : [names]));
    if (found === undefined) return fallback;
    const lower = found.value.toLowerCase();
    const match = allowed.find((option) => option === lower);
    if (match !== undefined) return match;
    this.invalid(found.name, found.value, `one of ${allowed.join(', ')}`, fallback);
    return fallback;
  }

  /** Warns that `name` held `value`, which is not `expected`, and that `fallback` is used instead. */
  invalid(name: string, value: string, expected: string, fallback: string): void {
    logger.warn(`${name}=${JSON.stringify(value)} is not ${expected}; using ${fallback} instead.`);
  }
}
