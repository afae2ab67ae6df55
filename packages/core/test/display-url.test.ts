import { describe, expect, it } from 'vitest';
import { displayUrl } from '../src/export/display-url.js';

describe('displayUrl', () => {
  it.each([
    ['http://user:SECRET@collector:4318/v1/traces', 'http://REDACTED:REDACTED@collector:4318/v1/traces'],
    [
      'https://collector/v1/traces?api_key=SECRET&region=eu',
      'https://collector/v1/traces?api_key=REDACTED&region=REDACTED',
    ],
    ['ftp://u:SECRET@host/x?k=SECRET#f', 'ftp://REDACTED:REDACTED@host/x?k=REDACTED'],
    ['user:SECRET@collector:4318', 'REDACTED:REDACTED@collector:4318'],
    ['not a url, SECRET@ in it', 'REDACTED:REDACTED@ in it'],
    ['http://collector:4318/v1/traces', 'http://collector:4318/v1/traces'],
    // A fragment is never sent, and may hold what a query would: left out with or without a query.
    ['https://collector/v1/traces#token=SECRET', 'https://collector/v1/traces'],
    ['https://collector/v1/traces#frag?key=SECRET', 'https://collector/v1/traces'],
  ])('shows %s as %s', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });
});
