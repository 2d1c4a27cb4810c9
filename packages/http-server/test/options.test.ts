import { InvalidArgumentError } from 'common';
import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../src/server.ts';
import { resolveOptions, type HttpServerOptions } from '../src/options.ts';

/** The error `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgumentError);
    return err as InvalidArgumentError;
  }
  throw new Error('expected a throw');
}

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
      tunnelConnectTimeout: 10_000,
      tunnelIdleTimeout: 60_000,
      proxyAllow: [],
    });
  });

  // Node's validateInteger: a non-integer number is out of range ("It must be an integer"),
  // a non-number the wrong type.
  it.each<[HttpServerOptions, string, RegExp]>([
    [{ maxBody: -1 }, 'ERR_OUT_OF_RANGE', /"maxBody".*>= 0 and <= 1073741824\. Received -1/],
    [{ maxBody: 1.5 }, 'ERR_OUT_OF_RANGE', /"maxBody".*It must be an integer\. Received 1\.5/],
    [{ headersTimeout: 0 }, 'ERR_OUT_OF_RANGE', /"headersTimeout"/],
    [
      { keepAliveTimeout: '5' as unknown as number },
      'ERR_INVALID_ARG_TYPE',
      /"keepAliveTimeout" argument must be of type number\. Received type string \('5'\)/,
    ],
    [{ connectionsCheckingInterval: 10 }, 'ERR_OUT_OF_RANGE', /"connectionsCheckingInterval"/],
    [{ tunnelIdleTimeout: 0 }, 'ERR_OUT_OF_RANGE', /"tunnelIdleTimeout"/],
    [
      { headersTimeout: 20_000, requestTimeout: 10_000 },
      'ERR_OUT_OF_RANGE',
      /"headersTimeout".*<= requestTimeout \(10000\)\. Received 20000/,
    ],
    [{ proxyAllow: ['no-port'] }, 'ERR_INVALID_ARG_VALUE', /"proxyAllow".*no-port/],
  ])('refuses %j with %s naming the option', (options, code, message) => {
    const err = thrown(() => resolveOptions(options));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('accepts headersTimeout over requestTimeout when requestTimeout is 0 (off), as Node does', () => {
    expect(resolveOptions({ headersTimeout: 20_000, requestTimeout: 0 })).toMatchObject({
      headersTimeout: 20_000,
      requestTimeout: 0,
    });
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
