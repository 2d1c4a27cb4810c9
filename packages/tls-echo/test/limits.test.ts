/**
 * One table of limits (src/limits.ts), read by the library's option resolution and by both
 * CLIs' flags and --help: the same bounds and defaults everywhere.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, flagName, silentLogger } from 'common';
import { Teardown, execMain } from 'common/harness';
import {
  CLIENT_LIMITS,
  LIMITS,
  SERVER_LIMITS,
  connectTlsEcho,
  createTlsEchoServer,
} from '../src/index.ts';
import { loadPki, type Pki } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const teardown = new Teardown();
afterEach(() => teardown.run());

let pki: Pki;
beforeAll(async () => {
  pki = await loadPki();
});

const serverWith = (options: Record<string, unknown>) => () =>
  createTlsEchoServer({ ...pki.server, ca: pki.ca, logger: silentLogger(), ...options });

describe('LIMITS', () => {
  it('splits into the server’s and the client’s rows, the same objects', () => {
    expect(Object.keys(SERVER_LIMITS)).toEqual(['idleTimeout', 'handshakeTimeout']);
    expect(Object.keys(CLIENT_LIMITS)).toEqual(['connectTimeout']);
    expect(SERVER_LIMITS.idleTimeout).toBe(LIMITS.idleTimeout);
    expect(SERVER_LIMITS.handshakeTimeout).toBe(LIMITS.handshakeTimeout);
    expect(CLIENT_LIMITS.connectTimeout).toBe(LIMITS.connectTimeout);
    expect(flagName('connectTimeout', LIMITS.connectTimeout)).toBe('--timeout');
  });

  it('the library takes its defaults from the table and enforces its bounds', () => {
    const app = serverWith({})();
    expect(app.limits).toEqual({
      idleTimeout: LIMITS.idleTimeout.default,
      handshakeTimeout: LIMITS.handshakeTimeout.default,
    });
    expect(serverWith({ idleTimeout: LIMITS.idleTimeout.min })().limits.idleTimeout).toBe(0);
    for (const [name, limit] of Object.entries(SERVER_LIMITS)) {
      for (const bad of [limit.min - 1, limit.max + 1, 1.5]) {
        expect(serverWith({ [name]: bad }), `${name} ${bad}`).toThrow(InvalidArgumentError);
        expect(serverWith({ [name]: bad }), `${name} ${bad}`).toThrow(
          expect.objectContaining({
            code: 'ERR_OUT_OF_RANGE',
            message: expect.stringContaining(`"${name}"`),
          }),
        );
      }
      expect(serverWith({ [name]: '10' })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
  });

  it('the client library enforces the connect timeout’s bounds before connecting', async () => {
    const { min, max } = LIMITS.connectTimeout;
    for (const connectTimeout of [min - 1, max + 1]) {
      await expect(connectTlsEcho({ port: 1, connectTimeout })).rejects.toMatchObject({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringContaining('"connectTimeout"'),
      });
    }
  });

  it('the server CLI shows every server limit in --help and refuses a flag out of bounds', async () => {
    const help = await execMain(MAIN, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      new RegExp(`^ {2}--idle-timeout MS +.*\\(default ${LIMITS.idleTimeout.default}\\)$`, 'm'),
    );
    expect(help.stdout).toMatch(
      new RegExp(
        `^ {2}--handshake-timeout MS +.*\\(default ${LIMITS.handshakeTimeout.default}\\)$`,
        'm',
      ),
    );
    expect(help.stdout).not.toMatch(/--timeout MS/);
    const { min, max } = LIMITS.handshakeTimeout;
    const bad = await execMain(MAIN, ['--handshake-timeout', String(max + 1), '--port', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `tls-echo: --handshake-timeout must be between ${min} and ${max} (got ${max + 1})`,
    );
  });

  it('the client CLI shows the connect timeout in --help and refuses it out of bounds', async () => {
    const help = await execMain(MAIN, ['client', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      new RegExp(`^ {2}--timeout MS +.*\\(default ${LIMITS.connectTimeout.default}\\)$`, 'm'),
    );
    expect(help.stdout).not.toMatch(/--idle-timeout/);
    const { min, max } = LIMITS.connectTimeout;
    const bad = await execMain(MAIN, ['client', '--timeout', String(min - 1)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `tls-echo: --timeout must be between ${min} and ${max} (got ${min - 1})`,
    );
  });
});
