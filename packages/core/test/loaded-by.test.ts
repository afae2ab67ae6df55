import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/instrumentations/catalog.js';
import { loadedByExcluded } from '../src/instrumentations/loaded-by.js';

const express = CATALOG.find((entry) => entry.name === 'express');
if (express === undefined) throw new Error('no express entry');

describe('CatalogEntry.notFrom', () => {
  it.each([
    '/app/node_modules/@nestjs/platform-express/adapters/express-adapter.js',
    'file:///app/node_modules/.pnpm/@nestjs+platform-express@12.5.1/node_modules/@nestjs/platform-express/index.js',
    'C:\\app\\node_modules\\@nestjs\\platform-express\\index.js',
  ])('leaves Express off when @nestjs/platform-express loads it: %s', (importer) => {
    expect(loadedByExcluded(express, importer)).toBe(true);
  });

  it.each([
    '/app/dist/main.js',
    'file:///app/src/server.mjs',
    '/app/node_modules/@nestjs/platform-express-extra/index.js',
    '/app/node_modules/some-lib/node_modules/@nestjs/core/index.js',
    undefined,
  ])('keeps Express on for any other importer: %s', (importer) => {
    expect(loadedByExcluded(express, importer)).toBe(false);
  });

  it('applies only to entries that name packages', () => {
    const http = CATALOG.find((entry) => entry.name === 'http');
    expect(http && loadedByExcluded(http, '/app/node_modules/@nestjs/platform-express/index.js')).toBe(false);
  });
});
