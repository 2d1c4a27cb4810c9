import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../src/server.ts';
import { resolveOptions } from '../src/options.ts';

describe('resolveOptions', () => {
  it('fills in the documented defaults', () => {
    const o = resolveOptions();
    expect(o).toMatchObject({
      maxBody: 1024 * 1024,
      headersTimeout: 15_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      maxHeadersCount: 100,
      maxRequestsPerSocket: 1_000,
      connectionsCheckingInterval: 1_000,
      proxyAllow: [],
    });
  });

  it.each([
    [{ maxBody: -1 }, 'ERR_OUT_OF_RANGE', /maxBody/],
    [{ maxBody: 1.5 }, 'ERR_INVALID_ARG_TYPE', /maxBody/],
    [{ headersTimeout: 0 }, 'ERR_OUT_OF_RANGE', /headersTimeout/],
    [{ keepAliveTimeout: '5' as unknown as number }, 'ERR_INVALID_ARG_TYPE', /keepAliveTimeout/],
    [{ connectionsCheckingInterval: 10 }, 'ERR_OUT_OF_RANGE', /connectionsCheckingInterval/],
    [{ headersTimeout: 20_000, requestTimeout: 10_000 }, 'ERR_OUT_OF_RANGE', /requestTimeout/],
    [{ proxyAllow: ['no-port'] }, 'ERR_INVALID_ARG_VALUE', /proxyAllow/],
  ])('refuses %j with %s naming the option', (options, code, name) => {
    expect(() => resolveOptions(options)).toThrow(name);
    try {
      resolveOptions(options);
    } catch (err) {
      expect((err as { code: string }).code).toBe(code);
    }
  });

  it('applies the limits to the http.Server', () => {
    const { server } = createHttpServer({
      headersTimeout: 2_000,
      requestTimeout: 3_000,
      keepAliveTimeout: 4_000,
      maxHeadersCount: 7,
      maxRequestsPerSocket: 9,
    });
    expect(server.headersTimeout).toBe(2_000);
    expect(server.requestTimeout).toBe(3_000);
    expect(server.keepAliveTimeout).toBe(4_000);
    expect(server.maxHeadersCount).toBe(7);
    expect(server.maxRequestsPerSocket).toBe(9);
  });
});
