/**
 * `certs/probe`: asks a live TLS server which protocol versions and cipher suites it will
 * negotiate, the way a scanner does (one handshake per suite, each offering that suite alone),
 * with Node's own TLS client: the tests of every TLS server assert with it that the server
 * negotiates exactly its profile's suites. Test tooling: it opens connections, nothing more.
 */
import { getCiphers, connect, type ConnectionOptions, type SecureVersion } from 'node:tls';

/** Where to probe, and how to authenticate (a mutual-TLS server needs `cert` and `key`). */
export interface ProbeTarget {
  host: string;
  port: number;
  /** SNI name and the name the certificate is checked against. Default `localhost`. */
  servername?: string;
  /** CA the server's certificate is verified against (always: a probe is a strict client). */
  ca: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Give up on one handshake after this many ms. Default 5 000. */
  timeoutMs?: number;
}

/** What one handshake did: the negotiated suite, or the error code that refused it. */
export type HandshakeResult =
  { ok: true; protocol: string | null; cipher: string } | { ok: false; code: string };

/** Handshakes run at once while probing many suites. */
const PROBE_CONCURRENCY = 8;

/**
 * One handshake with these client options (`ciphers`, `minVersion`, `maxVersion` …), then a
 * clean close. `@SECLEVEL=0` is appended to `ciphers` so that OpenSSL offers whatever it was
 * asked to, also suites and versions its default security level would hold back (TLS 1.1).
 */
export function handshake(
  target: ProbeTarget,
  options: Pick<ConnectionOptions, 'ciphers' | 'minVersion' | 'maxVersion'>,
): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    const socket = connect({
      host: target.host,
      port: target.port,
      servername: target.servername ?? 'localhost',
      ca: target.ca,
      cert: target.cert,
      key: target.key,
      ...options,
      ciphers: withSeclevel0(options.ciphers ?? 'DEFAULT'),
    });
    const done = (result: HandshakeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, code: 'ETIMEDOUT' }),
      target.timeoutMs ?? 5_000,
    );
    socket.once('secureConnect', () =>
      done({ ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name }),
    );
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, code: err.code ?? err.message }),
    );
  });
}

/**
 * Appends `@SECLEVEL=0` to a TLS 1.2 cipher list; a list of TLS 1.3 suites only is left alone
 * (OpenSSL would find no TLS 1.2 cipher in a bare `@SECLEVEL=0` and refuse the list).
 */
function withSeclevel0(ciphers: string): string {
  return ciphers.split(':').every((name) => name.startsWith('TLS_'))
    ? ciphers
    : `${ciphers}:@SECLEVEL=0`;
}

/** Every suite the local OpenSSL offers for `version`, upper-case OpenSSL names. */
export function localSuites(version: 'TLSv1.2' | 'TLSv1.3'): string[] {
  const all = getCiphers().map((name) => name.toUpperCase());
  return version === 'TLSv1.3'
    ? all.filter((name) => name.startsWith('TLS_'))
    : all.filter((name) => !name.startsWith('TLS_'));
}

/**
 * The suites the server negotiates at `version`: every suite the local OpenSSL knows is
 * offered alone in its own handshake; those that complete are returned, sorted.
 */
export async function negotiableSuites(
  target: ProbeTarget,
  version: 'TLSv1.2' | 'TLSv1.3',
  suites: readonly string[] = localSuites(version),
): Promise<string[]> {
  const accepted: string[] = [];
  const queue = [...suites];
  const worker = async (): Promise<void> => {
    for (let suite = queue.shift(); suite !== undefined; suite = queue.shift()) {
      const result = await handshake(target, {
        ciphers: suite,
        minVersion: version,
        maxVersion: version,
      });
      if (result.ok) accepted.push(result.cipher);
    }
  };
  await Promise.all(Array.from({ length: PROBE_CONCURRENCY }, worker));
  return accepted.sort();
}

/** Whether the server completes a handshake at exactly `version` (any suite). */
export async function acceptsVersion(
  target: ProbeTarget,
  version: SecureVersion,
): Promise<HandshakeResult> {
  return handshake(target, { minVersion: version, maxVersion: version });
}
