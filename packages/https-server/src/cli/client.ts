/**
 * `https-server client [URL] [flags]`: the book's HTTPS client (§7.5.3) as a program
 * (`pnpm client`): prints the status line, the headers and the body like `curl -i`; `-v` adds
 * what TLS negotiated (stderr). A connection that fails prints its code with one line of
 * explanation (exit 1), the book's `UNABLE_TO_VERIFY_LEAF_SIGNATURE` first among them.
 */
import { formatTlsError, loadKeyPair, loadTrustedCa } from 'certs';
import { CliError, limitFlags, limitsHelp, parseFlags, readLimitFlags } from 'common';
import { httpsRequest, type HttpsResponse, type TlsSummary } from '../client.ts';
import { DEFAULT_URL } from '../constants.ts';
import { HTTPS_ERROR_EXPLANATIONS } from '../explanations.ts';
import { CLIENT_LIMITS } from '../limits.ts';
import { userPath } from './paths.ts';

const NAME = 'https-server client';

const USAGE = `usage: https-server client [URL] [--ca FILE] [--cert FILE --key FILE] [--insecure]
                           [--http2] [-X METHOD] [-d DATA] [-H 'Name: value'] [-v]

The book's https.request client (default URL ${DEFAULT_URL}). Prints status, headers, body.
  --ca FILE            CA to verify the server with (without it: Node's public roots only,
                       and the dev server fails with UNABLE_TO_VERIFY_LEAF_SIGNATURE)
  --cert/--key FILE    client certificate for a server with --require-client-cert
  --insecure           do not verify the server (curl -k): encrypted, NOT authenticated
  --http2              http2.connect with ALPN h2, instead of https.request (HTTP/1.1)
  --servername NAME    SNI and the name the certificate must carry (default: the URL's host)
  -X, --request METHOD request method (default GET, POST with -d)
  -d, --data BODY      request body
  -H, --header 'N: v'  extra request header (repeatable)
  -v, --verbose        what TLS negotiated, on stderr
${limitsHelp(CLIENT_LIMITS, 21)}
  -h, --help           this text`;

const FLAGS = {
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean' },
  http2: { type: 'boolean' },
  servername: { type: 'string' },
  request: { type: 'string', short: 'X' },
  data: { type: 'string', short: 'd' },
  header: { type: 'string', short: 'H', multiple: true },
  verbose: { type: 'boolean', short: 'v' },
} as const;

/**
 * Runs one request and prints the answer (stdout), or the failure's code and explanation
 * (stderr, exit status 1).
 *
 * @throws {CliError} for bad arguments; `CredentialsError` for a bad `--ca/--cert/--key` file
 *   (both exit 2, see main.ts).
 */
export async function clientMain(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const { values: v, positionals } = parseFlags(
    argv,
    { ...FLAGS, ...limitFlags(CLIENT_LIMITS) },
    { usage: USAGE },
  );
  const limits = readLimitFlags(CLIENT_LIMITS, v);
  if (positionals.length > 1)
    throw new CliError('ERR_INVALID_ARG_VALUE', `one URL at most (got ${positionals.length})`);
  const url = parseUrl(positionals[0] ?? DEFAULT_URL);
  if ((v.cert === undefined) !== (v.key === undefined))
    throw new CliError('ERR_INVALID_ARG_VALUE', '--cert and --key go together');
  const ca = v.ca === undefined ? undefined : await loadTrustedCa(userPath(v.ca, env)!);
  const pair =
    v.cert === undefined || v.key === undefined
      ? undefined
      : await loadKeyPair({ cert: userPath(v.cert, env)!, key: userPath(v.key, env)! });
  const insecure = v.insecure === true;
  if (insecure) {
    process.stderr.write(
      "warning: --insecure: the server's certificate is NOT verified. The connection is encrypted, " +
        'but to whoever answered: a man in the middle would not be noticed.\n',
    );
  }
  let res: HttpsResponse;
  try {
    res = await httpsRequest(url, {
      method: v.request ?? (v.data === undefined ? 'GET' : 'POST'),
      headers: parseHeaders(v.header ?? []),
      body: v.data,
      ca: ca?.pem,
      cert: pair?.cert,
      key: pair?.key,
      rejectUnauthorized: !insecure,
      servername: v.servername,
      http2: v.http2 === true,
      ...limits,
    });
  } catch (err) {
    const e = err as { code?: string; message: string };
    process.stderr.write(`${NAME}: ${formatTlsError(e, HTTPS_ERROR_EXPLANATIONS)}\n`);
    process.exitCode = 1;
    return;
  }
  if (v.verbose === true || !res.tls.authorized) process.stderr.write(describeTls(res.tls));
  process.stdout.write(formatResponse(res));
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError('ERR_INVALID_ARG_VALUE', `not a URL: '${text}'`);
  }
  if (url.protocol !== 'https:')
    throw new CliError('ERR_INVALID_ARG_VALUE', `only https:// URLs (got ${url.protocol})`);
  return url;
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new CliError('ERR_INVALID_ARG_VALUE', `--header must be 'Name: value' (got '${line}')`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** `curl -i` style: status line, headers, empty line, body. */
export function formatResponse(res: HttpsResponse): string {
  const status =
    res.httpVersion === '2.0'
      ? `HTTP/2 ${res.statusCode}`
      : `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`;
  const lines = [status];
  for (const [name, value] of Object.entries(res.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  return `${lines.join('\n')}\n\n${res.body.toString('utf8')}`;
}

/** The TLS summary lines (stderr), `*`-prefixed like curl's. */
export function describeTls(tls: TlsSummary): string {
  const s = tls.server;
  const lines = [
    `* ${tls.protocol ?? '?'}, ${tls.cipher ?? '?'}, ALPN ${tls.alpnProtocol === false || tls.alpnProtocol === null ? 'none (HTTP/1.1)' : tls.alpnProtocol}`,
    tls.authorized
      ? '* server certificate verified'
      : `* server certificate NOT verified: ${formatTlsError({ code: tls.authorizationError, message: '' }, HTTPS_ERROR_EXPLANATIONS)}`,
  ];
  if (s !== undefined) {
    lines.push(
      `*   CN=${s.subjectCN ?? '?'} (issuer CN=${s.issuerCN ?? '?'}), valid until ${s.validTo}`,
      `*   subjectAltName ${s.subjectAltName ?? '(none)'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
