/**
 * The page at `/` in real headless Chromium (Debian's `chromium`, driven by playwright-core; no
 * browser download): chat message echoed, frames listed in the inspector.
 */
import { existsSync } from 'node:fs';
import { startServer, Teardown } from 'common/harness';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createWsServer } from '../src/server.ts';

const CHROMIUM = '/usr/lib/chromium/chromium';
const teardown = new Teardown();
afterEach(() => teardown.run());

describe('browser page', () => {
  it('chats through /chat and shows the frames in the inspector', { timeout: 60_000 }, async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} not found: install Debian's browser with "apt-get install -y chromium"`,
      );
    }
    const srv = await startServer(createWsServer({ heartbeatInterval: 0 }).server);
    teardown.add(srv, () => srv.close());
    const browser = await chromium.launch({
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
    teardown.add(browser, () => browser.close());
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(srv.url('http', '/'));
    await page.locator('#status', { hasText: 'open, subprotocol chat' }).waitFor();
    await page.fill('#text', 'hello from chromium');
    await page.click('#send');
    await page.locator('#messages div', { hasText: '< hello from chromium' }).waitFor();
    // Inspector: the page's frame as the server decoded it (masked) and the echo it sent (unmasked).
    const inFrame = page.locator('#frames tr.in', { hasText: 'hello from chrom' }); // the first 16 bytes
    const outFrame = page.locator('#frames tr.out', { hasText: 'hello from chrom' }); // the first 16 bytes
    await inFrame.first().waitFor();
    await outFrame.first().waitFor();
    const cells = async (row: typeof inFrame): Promise<string[]> =>
      row.first().locator('td').allTextContents();
    const [dir, fin, opcode, masked, length] = await cells(inFrame);
    expect([dir, fin, opcode, masked, length]).toEqual(['in', '1', '0x1 Text', '1', '19']);
    expect((await cells(outFrame)).slice(0, 5)).toEqual(['out', '1', '0x1 Text', '0', '19']);
    await page.click('#close');
    await page.locator('#status', { hasText: 'closed: code 1000' }).waitFor();
    await page.locator('#frames tr.event', { hasText: 'code 1000' }).first().waitFor();
  });
});
