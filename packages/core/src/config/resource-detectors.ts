import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ResourceDetector } from '@opentelemetry/resources';
import { isInstalled, moduleRoots } from '../instrumentations/installed-modules.js';
import { logger } from '../logger.js';
import type { EnvReader } from './env-reader.js';

/** The detectors `OTEL_NODE_RESOURCE_DETECTORS` can name, as the OpenTelemetry Node auto-instrumentation names them. */
const BUILT_IN = ['env', 'host', 'os', 'process', 'serviceinstance'] as const;
/** Cloud and container detectors live in packages of their own, which the app installs to opt in. */
const PACKAGES = {
  container: '@opentelemetry/resource-detector-container',
  alibaba: '@opentelemetry/resource-detector-alibaba-cloud',
  aws: '@opentelemetry/resource-detector-aws',
  azure: '@opentelemetry/resource-detector-azure',
  gcp: '@opentelemetry/resource-detector-gcp',
} as const;

type BuiltIn = (typeof BUILT_IN)[number];
type Packaged = keyof typeof PACKAGES;

/** A detector chosen at start-up: built in, or found in the package at `root`. */
export type DetectorChoice = { name: BuiltIn } | { name: Packaged; root: string };

const KNOWN = [...BUILT_IN, ...Object.keys(PACKAGES), 'all', 'none'];

/** The `node_modules` folder where `name` is installed for this app, if any. */
function findPackage(name: string): string | undefined {
  return moduleRoots().find((root) => isInstalled(name, [root]));
}

/**
 * The detectors named by the option or `OTEL_NODE_RESOURCE_DETECTORS`. None run by default: cloud metadata
 * probes stall start-up on a closed network. `all` means every built-in one plus every installed packaged
 * one; an unknown name, or a packaged one whose package is not installed, warns and is skipped. Checked at
 * start-up, so the warning comes at once; the detectors themselves load with the SDK (`loadDetectors`).
 */
export function resolveDetectors(env: EnvReader, explicit?: readonly string[]): DetectorChoice[] {
  const names =
    explicit?.map((name) => name.trim().toLowerCase()) ?? env.list('OTEL_NODE_RESOURCE_DETECTORS');
  if (names === undefined || names.includes('none')) return [];
  const source = explicit ? 'resourceDetectors' : 'OTEL_NODE_RESOURCE_DETECTORS';
  const chosen: DetectorChoice[] = [];
  const all = names.includes('all');
  for (const name of BUILT_IN) if (all || names.includes(name)) chosen.push({ name });
  for (const [name, pkg] of Object.entries(PACKAGES) as [Packaged, string][]) {
    if (!all && !names.includes(name)) continue;
    const root = findPackage(pkg);
    if (root !== undefined) chosen.push({ name, root });
    else if (!all) {
      logger.warn(
        `${source} names "${name}", but ${pkg} is not installed; install it (npm install ${pkg}) or remove ` +
          `"${name}". Continuing without that detector.`,
      );
    }
  }
  for (const name of names) {
    if (!KNOWN.includes(name))
      env.invalid(source, name, `one of ${KNOWN.join(', ')}`, 'nothing for that entry');
  }
  return chosen;
}

/** The detector objects for the choices; requires their packages, so call it when the SDK is built. */
export function loadDetectors(choices: readonly DetectorChoice[]): ResourceDetector[] {
  const resources = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  return choices.flatMap((choice): ResourceDetector[] => {
    switch (choice.name) {
      case 'env':
        return [resources.envDetector];
      case 'host':
        return [resources.hostDetector];
      case 'os':
        return [resources.osDetector];
      case 'process':
        return [resources.processDetector];
      case 'serviceinstance':
        return [resources.serviceInstanceIdDetector];
      default: {
        const pkg = createRequire(join(choice.root, 'index.js'))(PACKAGES[choice.name]) as Record<
          string,
          unknown
        >;
        // Every detector the package exports (aws: EC2, ECS, EKS, Beanstalk, Lambda; azure: App Service,
        // Functions, VM), as the OpenTelemetry auto-instrumentation registers them.
        return Object.entries(pkg)
          .filter(
            ([key, value]) =>
              key.endsWith('Detector') && typeof (value as ResourceDetector)?.detect === 'function',
          )
          .map(([, value]) => value as ResourceDetector);
      }
    }
  });
}
