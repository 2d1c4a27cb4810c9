/** The CLI: server lifecycle (SIGTERM → close 1001 to every client, exit 0), bad flags, the client. */
import { fileURLToPath } from 'node:url';
import { execMain, startMain, Teardown, waitForEvent } from 'common/harness';
import { afterEach, describe, expect, it } from 'vitest';
import WsLib from 'ws';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

async function server(args: string[] = []): Promise<Awaited<ReturnType<typeof startMain>>> {
  const proc = await startMain(MAIN, ['--log-level', 'info', ...args]);
  teardown.add(proc, () => proc.stop('SIGKILL'));
  return proc;
}

describe('ws-server CLI', () => {
  it('on SIGTERM sends close 1001 to every client, waits for the handshakes and exits 0', async () => {
    const proc = await server();
    const clients = await Promise.all(
      ['/echo', '/chat', '/updates'].map(async (path) => {
        const c = new WsLib(`ws://${proc.address}${path}`, path === '/chat' ? ['chat'] : [], {
          perMessageDeflate: false,
        });
        teardown.add(c, () => c.terminate());
        await waitForEvent(c, 'open');
        return c;
      }),
    );
    const codes = clients.map((c) => waitForEvent<[number, Buffer]>(c, 'close', 10_000));
    expect(await proc.stop('SIGTERM', 10_000)).toBe(0);
    for (const [code, reason] of await Promise.all(codes)) {
      expect(code).toBe(1001);
      expect(reason.toString()).toBe('server shutting down');
    }
    expect(proc.stdout.text).toMatch(/"msg":"closed"/);
  });

  it('applies --max-payload (1009) and logs the listening address once', async () => {
    const proc = await server(['--max-payload', '1k', '--heartbeat', '0']);
    expect(proc.stdout.lines.filter((l) => l.includes('listening on ws://'))).toHaveLength(1);
    const c = new WsLib(`ws://${proc.address}/echo`, { perMessageDeflate: false });
    teardown.add(c, () => c.terminate());
    await waitForEvent(c, 'open');
    c.send(Buffer.alloc(1025));
    expect((await waitForEvent<[number]>(c, 'close'))[0]).toBe(1009);
  });

  const badFlags: [string[], RegExp][] = [
    [['--heartbeat', 'soon'], /--heartbeat must be an integer/],
    [['--max-payload', '12parsecs'], /--max-payload must be a size/],
    [['--port', '70000'], /--port must be between/],
    [['--frobnicate'], /unknown flag --frobnicate/],
    [['client'], /client needs exactly one URL/],
    [['client', 'http://127.0.0.1:1/'], /URL must start with ws:\/\//],
    [['--deflate-context-takeover'], /--deflate-context-takeover needs --deflate/],
  ];
  for (const [args, message] of badFlags) {
    it(`exits 2 on ${args.join(' ')}`, async () => {
      const { code, stderr } = await execMain(MAIN, args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('--help prints the options and exits 0', async () => {
    const { code, stdout } = await execMain(MAIN, ['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--heartbeat MS');
  });
});

describe('client CLI (small wscat)', () => {
  it('sends stdin lines, prints the echoes, and closes with 1000 at end of input', async () => {
    const proc = await server();
    const { code, stdout, stderr } = await execMain(MAIN, ['client', `ws://${proc.address}/echo`], {
      input: 'hello\n世界\n',
    });
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual(['hello', '世界']);
    expect(stderr).toMatch(/connected to ws:\/\//);
    expect(stderr).toMatch(/closed 1000/);
  });

  it('--binary sends binary frames (printed as hex)', async () => {
    const proc = await server();
    const { code, stdout } = await execMain(
      MAIN,
      ['client', `ws://${proc.address}/echo`, '--binary'],
      {
        input: 'hi\n',
      },
    );
    expect(code).toBe(0);
    expect(stdout).toBe('<binary 2 bytes: 6869>');
  });

  it('--protocol negotiates chat; /chat answers with numbered JSON frames', async () => {
    const proc = await server();
    const { code, stdout, stderr } = await execMain(
      MAIN,
      ['client', `ws://${proc.address}/chat?room=cli`, '--protocol', 'chat'],
      { input: 'hi\n' },
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/subprotocol chat/);
    expect(stdout.split('\n')).toEqual([
      '{"type":"joined","room":"cli"}',
      '{"type":"chat","room":"cli","seq":1,"text":"hi"}',
    ]);
  });

  it('--deflate on both sides negotiates permessage-deflate (and says so)', async () => {
    const proc = await server(['--deflate', '--deflate-context-takeover']);
    const line = 'x'.repeat(3000); // over the 1 KiB threshold: compressed both ways
    const { code, stdout, stderr } = await execMain(
      MAIN,
      ['client', `ws://${proc.address}/echo`, '--deflate'],
      { input: `${line}\n` },
    );
    expect(code).toBe(0);
    expect(stdout).toBe(line);
    // The client offers no-context-takeover both ways; the server honours the offer.
    expect(stderr).toMatch(
      /\(permessage-deflate; server_no_context_takeover; client_no_context_takeover\)/,
    );
    // The server's log line comes through a pipe: wait for it rather than read it at once.
    await proc.stdout.waitFor(/"extensions":"permessage-deflate; server_no_context_takeover/);
  });
});
