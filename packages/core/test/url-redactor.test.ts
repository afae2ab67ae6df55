import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACTED_QUERY_PARAMS, UrlRedactor } from '../src/instrumentations/url-redactor.js';

const redactor = new UrlRedactor(DEFAULT_REDACTED_QUERY_PARAMS);

describe('UrlRedactor', () => {
  it.each([
    ['password=hunter2&token=abc', 'password=REDACTED&token=REDACTED'],
    ['id=7&PassWord=hunter2&x=1', 'id=7&PassWord=REDACTED&x=1'],
    [
      'API_KEY=k&Access_Token=t&SIG=s&x-goog-signature=g',
      'API_KEY=REDACTED&Access_Token=REDACTED&SIG=REDACTED&x-goog-signature=REDACTED',
    ],
    ['pass%77ord=x&q=a+b%20c', 'pass%77ord=REDACTED&q=a+b%20c'],
    ['token=a&token=b', 'token=REDACTED&token=REDACTED'],
    ['token&token=&=token', 'token&token=REDACTED&=token'],
    ['q=1&&session=s&', 'q=1&&session=REDACTED&'],
    ['tokens=keep&my_token=keep', 'tokens=keep&my_token=keep'],
    ['%E0%A4%A=x', '%E0%A4%A=x'],
  ])('redacts %s case-insensitively, keeping every other byte', (query, expected) => {
    expect(redactor.redactQuery(query)).toBe(expected);
  });

  it('returns the same string when there is nothing to redact', () => {
    const query = 'a=1&b=2';
    expect(redactor.redactQuery(query)).toBe(query);
  });

  it('is linear on a long query without any "="', () => {
    const query = 'a&'.repeat(500_000);
    expect(redactor.redactQuery(query)).toBe(query);
  });

  it('redacts the user, the password and secret parameters of a full URL', () => {
    expect(redactor.redactUrl('http://user:s3cret@example.com:8080/p?token=t&x=1#frag')).toBe(
      'http://REDACTED:REDACTED@example.com:8080/p?token=REDACTED&x=1#frag',
    );
    expect(redactor.redactUrl('https://example.com/a@b?Secret=1')).toBe(
      'https://example.com/a@b?Secret=REDACTED',
    );
    expect(redactor.redactUrl('https://REDACTED:REDACTED@example.com/')).toBe(
      'https://REDACTED:REDACTED@example.com/',
    );
  });

  it('replaces the list, and an empty list redacts only the URL credentials', () => {
    const custom = new UrlRedactor(['Tenant']);
    expect(custom.redactQuery('tenant=acme&password=p')).toBe('tenant=REDACTED&password=p');
    const none = new UrlRedactor([]);
    expect(none.redactUrl('http://u:p@h/?password=p')).toBe('http://REDACTED:REDACTED@h/?password=p');
  });
});
