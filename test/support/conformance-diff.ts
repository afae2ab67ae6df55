/** One place where two normalized runs differ. `a`/`b` is `<absent>` where only the other run has the path. */
export interface Difference {
  path: string;
  a: unknown;
  b: unknown;
}

/** A difference two span engines are allowed to have, and why. */
export interface AllowedDifference {
  /** Matched against the difference's path, e.g. `spans["hostile"].attributes`. */
  path: RegExp;
  /** Matched against the run's label; every run when absent. */
  run?: RegExp;
  reason: string;
}

const ABSENT = '<absent>';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function step(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Every leaf where `a` and `b` differ; records are compared by key, arrays by index. */
export function diff(a: unknown, b: unknown, path = ''): Difference[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: Difference[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      out.push(...diff(i < a.length ? a[i] : ABSENT, i < b.length ? b[i] : ABSENT, `${path}[${i}]`));
    }
    return out;
  }
  if (isRecord(a) && isRecord(b)) {
    const out: Difference[] = [];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      out.push(
        ...diff(
          Object.hasOwn(a, key) ? a[key] : ABSENT,
          Object.hasOwn(b, key) ? b[key] : ABSENT,
          step(path, key),
        ),
      );
    }
    return out;
  }
  return Object.is(a, b) ? [] : [{ path, a, b }];
}

/** The differences no entry of `allowed` explains for the run labelled `run`. */
export function unexplained(
  differences: Difference[],
  allowed: readonly AllowedDifference[],
  run: string,
): Difference[] {
  return differences.filter(
    (d) => !allowed.some((entry) => entry.path.test(d.path) && (entry.run?.test(run) ?? true)),
  );
}

/** One line per difference, naming the two sides. */
export function formatDifferences(differences: Difference[], labelA: string, labelB: string): string[] {
  const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  return differences.map((d) => `${d.path}: ${labelA} ${show(d.a)} | ${labelB} ${show(d.b)}`);
}
