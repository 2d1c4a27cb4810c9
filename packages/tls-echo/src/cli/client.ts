/**
 * `tls-echo client [flags]`: the book's `tls.connect(8000, options)` client as a program
 * (§7.5.2, `pnpm client`): prints whether the server is authorized and its certificate
 * (stderr), then sends stdin to the server and prints the replies (stdout).
 */
import type { TLSSocket } from 'node:tls';
import {
  credentialPaths,
  formatTlsError,
  loadCredentials,
  loadTrustedCa,
  trustedCaPath,
} from 'certs';
import {
  CliError,
  intFlag,
  limitFlags,
  limitsHelp,
  parseFlags,
  readLimitFlags,
  rejectPositionals,
} from 'common';
import { connectTlsEcho, describeConnection, type TlsConnectionInfo } from '../client.ts';
import { DEFAULT_PORT } from '../constants.ts';
import { ERR_TLS_CLOSED_BEFORE_GREETING, TLS_ECHO_ERROR_EXPLANATIONS } from '../explanations.ts';
import { CLIENT_LIMITS } from '../limits.ts';

const NAME = 'tls-echo';

const USAGE = `usage: tls-echo client [--host HOST] [--port N] [--servername NAME]
                       [--cert FILE --key FILE] [--ca FILE] [--no-client-cert] [--no-ca]
                       [--insecure] [--timeout MS]

Connects like the book's tls.connect(8000, options), prints whether the server is authorized
and its certificate (stderr), then sends stdin to the server and prints the replies (stdout).
  --host HOST          default 127.0.0.1
  --port N             default ${DEFAULT_PORT}
  --servername NAME    SNI and the name checked against the certificate's SAN (default: host)
  --cert/--key FILE    client certificate for mutual TLS (default certs/client.crt, .key)
  --ca FILE            CA to trust for the server (default certs/ca.crt)
  --no-client-cert     connect without a client certificate (the server refuses it)
  --no-ca              trust only Node's public root CAs, not certs/ca.crt
  --insecure           do not verify the server (like curl -k): encrypted, not authenticated
${limitsHelp(CLIENT_LIMITS, 21)}`;

/** `tls-echo client: CODE: explanation` on stderr, exit status 1. */
function fail(err: { code?: string | undefined; message: string }): void {
  process.stderr.write(`${NAME} client: ${formatTlsError(err, TLS_ECHO_ERROR_EXPLANATIONS)}\n`);
  process.exitCode = 1;
}

/**
 * Parses the client's flags, loads the CA and the client certificate (the dev PKI for a file
 * not given), connects and pipes stdio through the connection until the server closes it.
 * Bad flags and files throw (exit 2, see main.ts); a refused connection prints its code with
 * one line of explanation and sets exit status 1.
 */
export async function clientMain(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      servername: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      ca: { type: 'string' },
      'no-client-cert': { type: 'boolean' },
      'no-ca': { type: 'boolean' },
      insecure: { type: 'boolean' },
      ...limitFlags(CLIENT_LIMITS),
    },
    { usage: USAGE },
  );
  rejectPositionals(positionals);
  const port = intFlag('--port', values.port, { min: 1, max: 65_535, default: DEFAULT_PORT });
  const { connectTimeout } = readLimitFlags(CLIENT_LIMITS, values);
  const noClientCert = values['no-client-cert'] === true;
  const noCa = values['no-ca'] === true;
  if (noClientCert && (values.cert !== undefined || values.key !== undefined)) {
    throw new CliError(
      'ERR_INVALID_ARG_VALUE',
      '--no-client-cert cannot be combined with --cert/--key',
    );
  }
  if (noCa && values.ca !== undefined)
    throw new CliError('ERR_INVALID_ARG_VALUE', '--no-ca cannot be combined with --ca');
  const ca = noCa ? undefined : await loadTrustedCa(await trustedCaPath(values.ca));
  const pair = noClientCert
    ? undefined
    : await loadCredentials(
        await credentialPaths({ cert: values.cert, key: values.key, ca: values.ca }, 'client'),
      );
  const insecure = values.insecure === true;
  if (insecure)
    process.stderr.write(
      'warning: --insecure: the server is NOT verified (anyone in the middle can read this)\n',
    );

  let socket: TLSSocket;
  try {
    socket = await connectTlsEcho({
      host: values.host ?? '127.0.0.1',
      port,
      servername: values.servername,
      cert: pair?.cert,
      key: pair?.key,
      ca: ca?.pem,
      rejectUnauthorized: !insecure,
      connectTimeout,
    });
  } catch (err) {
    fail(err as NodeJS.ErrnoException);
    return;
  }
  process.stderr.write(formatConnectionInfo(describeConnection(socket)));
  await pipeStdio(socket);
}

/** stdin → server, server → stdout, until the server closes the connection. */
function pipeStdio(socket: TLSSocket): Promise<void> {
  const closedBeforeGreeting = { code: ERR_TLS_CLOSED_BEFORE_GREETING, message: '' };
  return new Promise((resolve) => {
    let failed = false;
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.pipe(process.stdout, { end: false });
    process.stdin.pipe(socket);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // TLS 1.3: a refused client certificate arrives after `secureConnect`: as an alert
      // (no certificate), or as a reset when a Node server drops one it could not verify and
      // our own bytes were still unread on its side.
      failed = true;
      const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
      fail(reset && received === 0 ? closedBeforeGreeting : err);
    });
    socket.once('close', () => {
      if (!failed && received === 0) fail(closedBeforeGreeting);
      process.stdin.unpipe(socket);
      process.stdin.destroy();
      resolve();
    });
  });
}

function formatConnectionInfo(info: TlsConnectionInfo): string {
  const lines = [
    info.authorized
      ? 'authorized'
      : `unauthorized: ${formatTlsError({ code: info.authorizationError, message: '' }, TLS_ECHO_ERROR_EXPLANATIONS)}`,
    `protocol ${info.protocol ?? '?'}, cipher ${info.cipher}`,
  ];
  if (info.server) {
    const s = info.server;
    lines.push(
      `server certificate: CN=${s.subjectCN ?? '?'} (issuer CN=${s.issuerCN ?? '?'})`,
      `  valid ${s.validFrom} → ${s.validTo}`,
      `  subjectAltName ${s.subjectAltName ?? '(none)'}`,
      `  SHA-256 ${s.fingerprint256}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
