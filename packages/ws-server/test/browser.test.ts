/**
 * The page at `/` in real headless Chromium (Debian's `chromium`, driven by playwright-core; no
 * browser download): chat message echoed, frames listed in the inspector; with the server's
 * permessage-deflate on, Chromium negotiates it and the inspector shows RSV1 and both sizes.
 */
import { existsSync } from 'node:fs';
import { startServer, Teardown } from 'common/harness';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWsServer, type WsServerOptions } from '../src/server.ts';

const CHROMIUM = '/usr/lib/chromium/chromium';
const teardown = new Teardown();
afterEach(() => teardown.run());
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install Debian's browser with "apt-get install -y chromium"`,
    );
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);
afterAll(() => browser?.close());

/** The page of a fresh server with `options`, once its chat connection is open. */
async function openPage(options: WsServerOptions, status: string): Promise<Page> {
  const srv = await startServer(createWsServer({ heartbeatInterval: 0, ...options }).server);
  teardown.add(srv, () => srv.close());
  const page = await browser.newPage();
  teardown.add(page, () => page.close());
  page.setDefaultTimeout(15_000);
  await page.goto(srv.url('http', '/'));
  await page.locator('#status', { hasText: status }).waitFor();
  return page;
}

async function cells(row: Locator): Promise<string[]> {
  return row.first().locator('td').allTextContents();
}

describe('browser page', () => {
  it('chats through /chat and shows the frames in the inspector', { timeout: 60_000 }, async () => {
    const page = await openPage({}, 'open, subprotocol chat');
    expect(await page.locator('#status').textContent()).toBe('open, subprotocol chat');
    await page.fill('#text', 'hello from chromium');
    await page.click('#send');
    await page.locator('#messages div', { hasText: '< hello from chromium' }).waitFor();
    // Inspector: the page's frame as the server decoded it (masked) and the echo it sent (unmasked).
    const inFrame = page.locator('#frames tr.in', { hasText: 'hello from chrom' }); // the first 16 bytes
    const outFrame = page.locator('#frames tr.out', { hasText: 'hello from chrom' });
    await inFrame.first().waitFor();
    await outFrame.first().waitFor();
    // dir, FIN, RSV1, opcode, MASK, payload length, inflated
    expect((await cells(inFrame)).slice(0, 7)).toEqual(['in', '1', '0', '0x1 Text', '1', '19', '']);
    expect((await cells(outFrame)).slice(0, 7)).toEqual([
      'out',
      '1',
      '0',
      '0x1 Text',
      '0',
      '19',
      '',
    ]);
    await page.click('#close');
    await page.locator('#status', { hasText: 'closed: code 1000' }).waitFor();
    await page.locator('#frames tr.event', { hasText: 'code 1000' }).first().waitFor();
  });

  it(
    'negotiates permessage-deflate when the server has it, and shows RSV1 and both sizes',
    { timeout: 60_000 },
    async () => {
      const page = await openPage({ perMessageDeflate: true }, 'permessage-deflate');
      // Chromium offers "permessage-deflate; client_max_window_bits"; the server's defaults answer:
      expect(await page.locator('#status').textContent()).toBe(
        'open, subprotocol chat, extensions permessage-deflate; server_no_context_takeover; client_no_context_takeover',
      );
      const text = `{"greeting":"hello from chromium","padding":"${'ab'.repeat(1000)}"}`; // 2,048 bytes
      await page.fill('#text', text);
      await page.click('#send');
      await page.locator('#messages div', { hasText: '< {"greeting"' }).waitFor();
      const inFrame = page.locator('#frames tr.in', { hasText: '{"greeting":"hel' }); // inflated head
      const outFrame = page.locator('#frames tr.out', { hasText: '{"greeting":"hel' });
      await inFrame.first().waitFor();
      await outFrame.first().waitFor();
      for (const [row, dir, mask] of [
        [inFrame, 'in', '1'],
        [outFrame, 'out', '0'],
      ] as const) {
        const [d, fin, rsv1, opcode, masked, length, inflated] = await cells(row);
        expect([d, fin, rsv1, opcode, masked, inflated]).toEqual([
          dir,
          '1',
          '1',
          '0x1 Text',
          mask,
          String(text.length),
        ]);
        expect(Number(length)).toBeLessThan(200); // 2,048 bytes of "abab…" deflate to a few dozen
      }
      // A short message stays under the 1 KiB threshold: uncompressed, RSV1 0.
      await page.fill('#text', 'short');
      await page.click('#send');
      const shortOut = page.locator('#frames tr.out', { hasText: '73686f7274' });
      await shortOut.first().waitFor();
      expect((await cells(shortOut)).slice(0, 7)).toEqual([
        'out',
        '1',
        '0',
        '0x1 Text',
        '0',
        '5',
        '',
      ]);
    },
  );
});
