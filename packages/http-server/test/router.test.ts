import { describe, expect, it } from 'vitest';
import { matchRoute, routeTable, type Handler, type Route } from '../src/routes/router.ts';

const a: Handler = () => undefined;
const b: Handler = () => undefined;
const list: Route[] = [
  { path: '/', methods: { GET: a } },
  { path: '/echo', methods: { POST: a } },
  { path: '/', methods: { GET: b } },
];
const routes = routeTable(list);

describe('matchRoute', () => {
  it('finds the handler; a later route with the same path wins', () => {
    expect(matchRoute(routes, 'GET', '/')).toEqual({ kind: 'found', handler: b });
  });

  it('serves HEAD with the GET handler', () => {
    expect(matchRoute(routes, 'HEAD', '/')).toEqual({ kind: 'found', handler: b });
  });

  it('a known path with another method is 405 with the Allow list', () => {
    expect(matchRoute(routes, 'PUT', '/')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'HEAD'],
    });
    expect(matchRoute(routes, 'GET', '/echo')).toEqual({
      kind: 'method-not-allowed',
      allow: ['POST'],
    });
  });

  it('an unknown path is not found (exact match, case-sensitive)', () => {
    expect(matchRoute(routes, 'GET', '/nope').kind).toBe('not-found');
    expect(matchRoute(routes, 'POST', '/Echo').kind).toBe('not-found');
  });
});
