/**
 * The page at `/` in real headless Chromium (Debian's `chromium`, driven by playwright-core; no
 * browser download): chat message echoed, frames listed in the inspector; with the server's
 * permessage-deflate on, Chromium negotiates it and the inspector shows RSV1 and both sizes.
 */
import { existsSync } from 'node:fs';
import { startServer, Teardown } from 'common/harness';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatFrame } from '../src/chat/messages.ts';
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
    await page.locator('#messages div', { hasText: '#1 < hello from chromium' }).waitFor();
    expect(await page.locator('#messages div').first().textContent()).toBe('joined room lobby');
    // Inspector: the page's frame as the server decoded it (masked) and the room's message the
    // server sent back (unmasked): the text in a numbered JSON envelope.
    const inFrame = page.locator('#frames tr.in', { hasText: 'hello from chrom' }); // the first 16 bytes
    const outFrame = page.locator('#frames tr.out', { hasText: '{"type":"chat","' });
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
      String(chatFrame('lobby', 1, 'hello from chromium').length),
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
      // The room's message, in its JSON envelope (inflated head).
      const chatOut = page.locator('#frames tr.out', { hasText: '{"type":"chat","' });
      const outFrame = chatOut.first();
      await inFrame.first().waitFor();
      await outFrame.waitFor();
      for (const [row, dir, mask, size] of [
        [inFrame, 'in', '1', text.length],
        [outFrame, 'out', '0', chatFrame('lobby', 1, text).length],
      ] as const) {
        const [d, fin, rsv1, opcode, masked, length, inflated] = await cells(row);
        expect([d, fin, rsv1, opcode, masked, inflated]).toEqual([
          dir,
          '1',
          '1',
          '0x1 Text',
          mask,
          String(size),
        ]);
        expect(Number(length)).toBeLessThan(200); // 2,048 bytes of "abab…" deflate to a few dozen
      }
      // A short message stays under the 1 KiB threshold: uncompressed, RSV1 0 (the `joined`
      // frame before them was short too).
      await page.fill('#text', 'short');
      await page.click('#send');
      const shortOut = chatOut.nth(1);
      await shortOut.waitFor();
      expect((await cells(shortOut)).slice(0, 7)).toEqual([
        'out',
        '1',
        '0',
        '0x1 Text',
        '0',
        String(chatFrame('lobby', 2, 'short').length),
        '',
      ]);
    },
  );
});
