import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { logger } from '../logger.js';
import type { EnvReader } from './env-reader.js';
import { type DetectorChoice, loadDetectors } from './resource-detectors.js';

interface AppPackage {
  name?: string;
  version?: string;
}

/** The nearest package.json above the entry script (or the working directory), which names the app. */
function findAppPackage(): AppPackage {
  const entry = process.argv[1];
  let dir = entry ? dirname(resolve(entry)) : process.cwd();
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as AppPackage;
        return {
          ...(typeof pkg.name === 'string' ? { name: pkg.name } : {}),
          ...(typeof pkg.version === 'string' ? { version: pkg.version } : {}),
        };
      } catch {
        return {};
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return {};
    dir = parent;
  }
}

/** Parses `OTEL_RESOURCE_ATTRIBUTES` (`key=value,...`, values percent-encoded), warning on each bad entry. */
function parseResourceAttributes(env: EnvReader): Attributes {
  const attributes: Attributes = {};
  const raw = env.raw('OTEL_RESOURCE_ATTRIBUTES');
  if (raw === undefined) return attributes;
  const entries = raw.split(',');
  entries.forEach((entry, index) => {
    if (entry.trim() === '') return;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    // A bad entry's value may be a credential pasted in the wrong place: warnings name its position (and its
    // key when it has one), never its text.
    const where = `OTEL_RESOURCE_ATTRIBUTES entry ${index + 1} of ${entries.length}`;
    if (key === '') {
      logger.warn(`${where} is not a key=value pair; leaving that entry out (its text is not shown).`);
      return;
    }
    try {
      attributes[key] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      logger.warn(
        `${where} (key ${JSON.stringify(key)}) has a value that is not percent-encoded; leaving that entry out ` +
          '(its value is not shown).',
      );
    }
  });
  return attributes;
}

/** What the resource is built from: the options of `startTracing`. */
export interface ResourceInput {
  serviceName?: string | undefined;
  serviceVersion?: string | undefined;
  resourceAttributes?: Attributes | undefined;
}

/**
 * The attributes of the resource every span carries: host and process basics, `OTEL_RESOURCE_ATTRIBUTES`,
 * then `service.name` (option, `OTEL_SERVICE_NAME`, the attribute, else the app's package.json name) and
 * `service.version`. No cloud-metadata detectors run: on a closed network they stall start-up. Read at
 * start, so a bad entry warns at once; the resource itself is built with the SDK (`createResource`).
 */
export function resolveResourceAttributes(env: EnvReader, input: ResourceInput): Attributes {
  const fromEnv = parseResourceAttributes(env);
  const app = findAppPackage();
  const serviceName =
    input.serviceName ??
    env.raw('OTEL_SERVICE_NAME') ??
    fromEnv['service.name'] ??
    app.name ??
    'unknown_service:node';
  const serviceVersion = input.serviceVersion ?? fromEnv['service.version'] ?? app.version;
  const basics: Attributes = {
    'host.name': hostname(),
    'host.arch': process.arch,
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
  };
  return {
    ...basics,
    ...fromEnv,
    ...input.resourceAttributes,
    'service.name': serviceName,
    ...(serviceVersion === undefined ? {} : { 'service.version': serviceVersion }),
  };
}

/**
 * The SDK resource: the SDK's identity, then what the chosen detectors find, then these attributes, which win.
 * Requires `@opentelemetry/resources` and the detectors' packages, so it runs when the SDK is built. A cloud
 * detector answers asynchronously; the export pipeline waits for it before encoding.
 */
export function createResource(attributes: Attributes, detectors: readonly DetectorChoice[] = []): Resource {
  const resources = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  let resource = resources.defaultResource();
  if (detectors.length > 0) {
    resource = resource.merge(resources.detectResources({ detectors: loadDetectors(detectors) }));
  }
  return resource.merge(resources.resourceFromAttributes(attributes));
}
