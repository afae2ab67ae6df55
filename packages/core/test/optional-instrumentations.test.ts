import { describe, expect, it } from 'vitest';
import { createInstrumentations } from '../src/instrumentations/select-instrumentations.js';
import { UrlRedactor } from '../src/instrumentations/url-redactor.js';
import { captureStderr } from './capture-stderr.js';

const SETTINGS = { redactor: new UrlRedactor([]), http: {} };

const stderr = captureStderr();

describe('an optional instrumentation peer that is not installed', () => {
  it('yields no instrumentation and one warning naming the package to install', () => {
    const created = createInstrumentations(
      {
        name: 'pg',
        modules: ['pg'],
        defaultOn: true,
        create: () => require('@opentelemetry/instrumentation-not-installed'),
      },
      SETTINGS,
    );
    expect(created).toEqual([]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain(
      'the pg instrumentation needs @opentelemetry/instrumentation-not-installed, which is not installed',
    );
    expect(stderr[0]).toContain('npm install @opentelemetry/instrumentation-not-installed');
  });

  it('keeps the error for any other failure', () => {
    const created = createInstrumentations(
      {
        name: 'pg',
        modules: ['pg'],
        defaultOn: true,
        create: () => {
          throw new Error('boom');
        },
      },
      SETTINGS,
    );
    expect(created).toEqual([]);
    expect(stderr[0]).toContain('could not load the pg instrumentation (Error: boom)');
  });
});
