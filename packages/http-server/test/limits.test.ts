import { afterEach, describe, expect, it } from 'vitest';
import { RawClient, Teardown } from 'common/harness';
import { request } from '../src/client.ts';
import { captureLogger, startHttp, statusLines } from './helpers.ts';

const teardown = new Teardown();
afterEach(() => teardown.run());

const LIMIT = 1024;

async function raw(port: number): Promise<RawClient> {
  const client = await RawClient.connect({ port });
  return teardown.add(client, () => client.destroy());
}

describe('body limit (413)', () => {
  it('refuses at once from Content-Length, before any body byte is sent, and closes', async () => {
    const { ts } = await startHttp(teardown, { maxBody: LIMIT });
    const client = await raw(ts.port);
    client.write(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`);
    // Not one byte of the 8 MiB body was written: the answer cannot depend on reading it.
    const text = (await client.waitForEnd()).toString();
    expect(statusLines(text)).toEqual(['HTTP/1.1 413 Payload Too Large']);
    expect(text).toMatch(/Connection: close\r\n/);
    expect(text).toMatch(/exceeds 1024 bytes/);
  });

  it('refuses a chunked body as soon as the running total crosses the limit, without the rest', async () => {
    const { logger, lines } = captureLogger();
    const { ts } = await startHttp(teardown, { maxBody: LIMIT, logger });
    const client = await raw(ts.port);
    client.write('POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    client.write(`258\r\n${'a'.repeat(600)}\r\n`);
    client.write(`258\r\n${'b'.repeat(600)}\r\n`); // 1 200 bytes > 1 024; the body never ends
    const text = (await client.waitForEnd()).toString();
    expect(statusLines(text)).toEqual(['HTTP/1.1 413 Payload Too Large']);
    const refused = lines.find((l) => l.msg === 'body refused');
    expect(refused).toMatchObject({ code: 'ERR_HTTP_BODY_TOO_LARGE', received: 1200 });
  });

  it('accepts a body exactly at the limit', async () => {
    const { url } = await startHttp(teardown, { maxBody: LIMIT });
    const res = await request(url('/echo'), { agent: false, body: Buffer.alloc(LIMIT, 7) });
    expect(res.statusCode).toBe(200);
    expect(res.body.length).toBe(LIMIT);
  });
});

describe('Expect: 100-continue (checkContinue)', () => {
  it('over the limit: 417 and never a 100 Continue, so the body is never sent', async () => {
    const { ts } = await startHttp(teardown, { maxBody: LIMIT });
    const client = await raw(ts.port);
    client.write(
      `POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`,
    );
    const text = (await client.waitForEnd()).toString();
    expect(statusLines(text)).toEqual(['HTTP/1.1 417 Expectation Failed']);
    expect(text).not.toMatch(/100 Continue/);
  });

  it('within the limit: 100 Continue first, then the body is read and echoed', async () => {
    const { ts } = await startHttp(teardown, { maxBody: LIMIT });
    const client = await raw(ts.port);
    client.write(
      'POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n',
    );
    await client.waitForText('HTTP/1.1 100 Continue\r\n\r\n');
    client.write('hello');
    const text = (await client.waitForEnd()).toString();
    expect(statusLines(text)).toEqual(['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK']);
    expect(text.endsWith('\r\n\r\nhello')).toBe(true);
  });

  it('an unknown expectation is 417', async () => {
    const { ts } = await startHttp(teardown);
    const client = await raw(ts.port);
    client.write('GET / HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n');
    expect(statusLines((await client.waitForEnd()).toString())).toEqual([
      'HTTP/1.1 417 Expectation Failed',
    ]);
  });
});

describe('clientError', () => {
  it('a malformed request gets 400, only that connection closes, the error code is logged', async () => {
    const { logger, lines } = captureLogger();
    const { ts, url } = await startHttp(teardown, { logger });
    const client = await raw(ts.port);
    client.write('GET / HTTP/1.1\r\nHost x\r\n\r\n'); // header line without a colon
    const text = (await client.waitForEnd()).toString();
    expect(statusLines(text)).toEqual(['HTTP/1.1 400 Bad Request']);
    expect(text).toMatch(/Connection: close/);
    expect(lines.find((l) => l.msg === 'client error')).toMatchObject({
      code: 'HPE_INVALID_HEADER_TOKEN',
      statusCode: 400,
    });
    expect((await request(url('/'), { agent: false })).statusCode).toBe(200);
  });

  it('a request head over the header size limit gets 431', async () => {
    const { ts } = await startHttp(teardown);
    const client = await raw(ts.port);
    client.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    expect(statusLines((await client.waitForEnd()).toString())).toEqual([
      'HTTP/1.1 431 Request Header Fields Too Large',
    ]);
  });

  it.each([
    ['Content-Length then Transfer-Encoding', 'Content-Length: 4\r\nTransfer-Encoding: chunked'],
    ['Transfer-Encoding then Content-Length', 'Transfer-Encoding: chunked\r\nContent-Length: 4'],
    ['two Content-Lengths', 'Content-Length: 0\r\nContent-Length: 38'],
  ])('smuggling probe (%s) never yields two responses', async (_name, framing) => {
    const { ts } = await startHttp(teardown);
    const client = await raw(ts.port);
    const smuggled = 'GET /inspect HTTP/1.1\r\nHost: x\r\n\r\n';
    client.write(`POST /echo HTTP/1.1\r\nHost: x\r\n${framing}\r\n\r\n0\r\n\r\n${smuggled}`);
    const lines = statusLines((await client.waitForEnd()).toString());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('HTTP/1.1 400 Bad Request');
  });

  it('a slowloris client trickling headers is cut after headersTimeout with 408', async () => {
    const { logger, lines } = captureLogger();
    const { ts } = await startHttp(teardown, {
      logger,
      headersTimeout: 1_000,
      requestTimeout: 2_000,
      connectionsCheckingInterval: 1_000,
    });
    const client = await raw(ts.port);
    client.write('GET / HTTP/1.1\r\nHost: x\r\n');
    // One header line every 200 ms: bytes keep coming, but the head never completes.
    const trickle = setInterval(() => client.write('X-Slow: 1\r\n'), 200);
    teardown.add(trickle, () => clearInterval(trickle));
    const text = (await client.waitForEnd(15_000)).toString();
    clearInterval(trickle);
    expect(statusLines(text)).toEqual(['HTTP/1.1 408 Request Timeout']);
    expect(lines.find((l) => l.msg === 'client error')).toMatchObject({
      code: 'ERR_HTTP_REQUEST_TIMEOUT',
    });
  });
});
