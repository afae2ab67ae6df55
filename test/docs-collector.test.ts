import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// examples/collector needs Docker and is not run in CI; this keeps its files, docs/production.md and each
// other consistent, so the example cannot drift from what the docs say.
const ROOT = join(__dirname, '..');
const DIR = join(ROOT, 'examples', 'collector');
const read = (path: string) => readFileSync(path, 'utf8');

it('the compose file mounts files that exist and runs every host the Collector exports to', () => {
  const compose = read(join(DIR, 'compose.yaml'));
  const mounts = [...compose.matchAll(/- \.\/([\w.-]+):/g)].map(([, file]) => file ?? '');
  expect(mounts).toEqual(
    expect.arrayContaining(['otel-collector.yaml', 'tempo.yaml', 'grafana-datasources.yaml']),
  );
  for (const file of mounts) expect(existsSync(join(DIR, file)), file).toBe(true);

  const services = [...compose.matchAll(/^ {2}([\w-]+):$/gm)].map(([, name]) => name);
  const config = read(join(DIR, 'otel-collector.yaml'));
  const targets = [...config.matchAll(/^ {4}endpoint: ([\w-]+):4317$/gm)].map(([, host]) => host);
  expect(targets).toEqual(['jaeger', 'tempo']);
  for (const host of targets) expect(services).toContain(host);
  // Spanwise exports OTLP over HTTP only: the Collector must receive it on 4318, published to the host.
  expect(config).toMatch(/http:\n\s+endpoint: 0\.0\.0\.0:4318/);
  expect(compose).toContain('"4318:4318"');
});

it('the Collector pipeline and tail-sampling policies are the ones docs/production.md describes', () => {
  const config = read(join(DIR, 'otel-collector.yaml'));
  expect(config).toMatch(/processors: \[memory_limiter, tail_sampling, batch\]/);
  expect(config).toMatch(/exporters: \[otlp\/jaeger, otlp\/tempo\]/);
  const production = read(join(ROOT, 'docs', 'production.md'));
  const documented = production.match(/```yaml\ntail_sampling:\n([\s\S]*?)```/)?.[1] ?? '';
  expect(documented).not.toBe('');
  const settings: [RegExp, (value: string) => RegExp][] = [
    [/decision_wait: (\w+)/, (v) => new RegExp(`decision_wait: ${v}\\b`)],
    [/num_traces: (\d+)/, (v) => new RegExp(`num_traces: ${v}\\b`)],
    [/status_codes: \[(\w+)\]/, (v) => new RegExp(`status_codes: \\[${v}\\]`)],
    [/threshold_ms: (\d+)/, (v) => new RegExp(`threshold_ms: ${v}\\b`)],
    [/sampling_percentage: (\d+)/, (v) => new RegExp(`sampling_percentage: ${v}\\b`)],
  ];
  for (const [inDocs, inConfig] of settings) {
    const value = documented.match(inDocs)?.[1];
    expect(value, String(inDocs)).toBeDefined();
    expect(config).toMatch(inConfig(value ?? ''));
  }
  for (const [, name] of documented.matchAll(/name: ([\w-]+)/g)) expect(config).toContain(`- name: ${name}`);
});
