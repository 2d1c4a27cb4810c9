import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from '../src/protocol/request-target.ts';

describe('parseRequestTarget', () => {
  it.each([
    ['/', { pathname: '/', search: '' }],
    ['/slow?ms=10', { pathname: '/slow', search: '?ms=10' }],
    ['/a?b?c', { pathname: '/a', search: '?b?c' }],
    ['//evil.example/x', { pathname: '//evil.example/x', search: '' }],
    ['/x#frag', { pathname: '/x', search: '' }],
    ['http://example.com/inspect?q=1', { pathname: '/inspect', search: '?q=1' }],
    ['*', { pathname: '*', search: '' }],
  ])('splits %s', (target, expected) => {
    expect(parseRequestTarget(target)).toEqual(expected);
  });

  it.each([undefined, '', 'inspect', 'ftp://x/', 'http://'])('refuses %j', (target) => {
    expect(parseRequestTarget(target)).toBeUndefined();
  });

  it('splits any origin-form target losslessly at its first "?"', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (rest) => {
        const target = `/${rest.replaceAll('#', '')}`;
        const parsed = parseRequestTarget(target)!;
        expect(parsed.pathname + parsed.search).toBe(target);
        expect(parsed.pathname).not.toContain('?');
        expect(parsed.search === '' || parsed.search.startsWith('?')).toBe(true);
      }),
    );
  });
});
