/**
 * One table of limits (`src/limits.ts`): the library (`createWsServer`, `connect`) and the CLI
 * (server flags, `client` flags) accept and refuse exactly the same values, because both read
 * the same bounds.
 */
import { fileURLToPath } from 'node:url';
import { flagName, InvalidArgumentError } from 'common';
import { execMain, startMain, Teardown } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../src/client.ts';
import { CLIENT_LIMITS, CONNECTION_LIMITS, DEFLATE_LIMITS, LIMITS } from '../src/limits.ts';
import { createWsServer } from '../src/server.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

describe('the limit table', () => {
  it('gives the client and each connection the server’s bounds (one bound per limit)', () => {
    for (const table of [CLIENT_LIMITS, CONNECTION_LIMITS]) {
      for (const [key, limit] of Object.entries(table)) {
        const server = LIMITS[key as keyof typeof LIMITS];
        expect([limit.default, limit.min, limit.max, limit.unit], key).toEqual([
          server.default,
          server.min,
          server.max,
          server.unit,
        ]);
      }
    }
  });

  it('createWsServer() accepts every bound and refuses one past it, naming the option', () => {
    for (const [key, limit] of Object.entries(LIMITS)) {
      expect(() => createWsServer({ [key]: limit.min }), key).not.toThrow();
      expect(() => createWsServer({ [key]: limit.max }), key).not.toThrow();
      for (const bad of [limit.min - 1, limit.max + 1]) {
        expect(() => createWsServer({ [key]: bad }), `${key} ${bad}`).toThrow(InvalidArgumentError);
        expect(() => createWsServer({ [key]: bad }), `${key} ${bad}`).toThrow(
          expect.objectContaining({
            code: 'ERR_OUT_OF_RANGE',
            message: expect.stringContaining(key),
          }),
        );
      }
    }
  });

  for (const [key, limit] of Object.entries(LIMITS)) {
    const flag = flagName(key, limit);
    if (flag === undefined) continue;
    it(`ws-server ${flag} ${limit.max + 1} exits 2 like createWsServer({ ${key} }) throws`, async () => {
      expect(() => createWsServer({ [key]: limit.max + 1 })).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
      const { code, stderr } = await execMain(MAIN, [flag, String(limit.max + 1)]);
      expect(code).toBe(2);
      expect(stderr).toContain(`${flag} must be between ${limit.min} and ${limit.max}`);
    });
  }

  it('the server CLI starts with every flag at its maximum', async () => {
    const args = Object.entries(LIMITS).flatMap(([key, limit]) => {
      const flag = flagName(key, limit);
      return flag === undefined ? [] : [flag, String(limit.max)];
    });
    const proc = await startMain(MAIN, args);
    teardown.add(proc, () => proc.stop('SIGKILL'));
    expect(proc.port).toBeGreaterThan(0);
  });

  it('ws-server client --max-payload refuses what connect() refuses', async () => {
    const tooBig = CLIENT_LIMITS.maxPayload.max + 1;
    await expect(connect('ws://127.0.0.1:1/', { maxPayload: tooBig })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('maxPayload'),
    });
    const { code, stderr } = await execMain(MAIN, [
      'client',
      'ws://127.0.0.1:1/',
      '--max-payload',
      String(tooBig),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(`--max-payload must be between 1 and ${CLIENT_LIMITS.maxPayload.max}`);
  });
});

describe('the permessage-deflate table (DEFLATE_LIMITS)', () => {
  it('createWsServer() and connect() accept every bound and refuse one past it, naming the field', async () => {
    for (const [key, limit] of Object.entries(DEFLATE_LIMITS)) {
      for (const good of [limit.min, limit.max]) {
        expect(
          () => createWsServer({ perMessageDeflate: { [key]: good } }),
          `${key} ${good}`,
        ).not.toThrow();
      }
      for (const bad of [limit.min - 1, limit.max + 1, 1.5]) {
        const expected = expect.objectContaining({
          code: 'ERR_OUT_OF_RANGE', // Node's validateInteger: also for 1.5
          message: expect.stringContaining(key),
        });
        expect(
          () => createWsServer({ perMessageDeflate: { [key]: bad } }),
          `${key} ${bad}`,
        ).toThrow(expected);
        await expect(
          connect('ws://127.0.0.1:1/', { perMessageDeflate: { [key]: bad } }),
        ).rejects.toThrow(expected);
      }
    }
  });

  it('refuses a perMessageDeflate that is not a boolean or an object, and flags that are not booleans', () => {
    for (const bad of ['yes', 1, null]) {
      expect(() => createWsServer({ perMessageDeflate: bad as never })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringContaining('perMessageDeflate'),
        }),
      );
    }
    expect(() =>
      createWsServer({ perMessageDeflate: { serverNoContextTakeover: 'no' as never } }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('serverNoContextTakeover'),
      }),
    );
  });
});
