/**
 * `pnpm start` / `main.ts`: the mutual-TLS echo server on port 8000 (§7.5.2).
 * `main.ts client …`: the book's `tls.connect(8000, options)` client, stdin → server → stdout.
 * The only module that reads argv/env, listens and exits.
 */
import type { TLSSocket } from 'node:tls';
import {
  CliError,
  createLogger,
  intFlag,
  parseFlags,
  parseServerArgs,
  rejectPositionals,
  runMain,
  serve,
} from 'common';
import { connectTlsEcho, describeConnection, type TlsConnectionInfo } from './client.ts';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_PORT,
  MAX_TIMEOUT_MS,
} from './constants.ts';
import { loadCredentials, loadTrustedCa } from './credentials.ts';
import { formatTlsError } from './protocol/error-codes.ts';
import { createTlsEchoServer, endConnections } from './server.ts';

const NAME = 'tls-echo';

const SERVER_USAGE = `usage: tls-echo [--cert FILE --key FILE --ca FILE] [--allow-unauthorized]
                [--idle-timeout MS] [--handshake-timeout MS]
       tls-echo client --help

Mutual-TLS echo server (book §7.5.2). Default certificates: the dev PKI in certs/ (pnpm certs).
  --cert FILE              server certificate, PEM (default certs/server.crt)
  --key FILE               its private key, PEM (default certs/server.key)
  --ca FILE                CA that client certificates must chain to (default certs/ca.crt)
  --allow-unauthorized     INSECURE: accept clients without a valid certificate (the book's demo)
  --idle-timeout MS        close idle connections (default ${DEFAULT_IDLE_TIMEOUT_MS}, 0 = never)
  --handshake-timeout MS   abort unfinished handshakes (default ${DEFAULT_HANDSHAKE_TIMEOUT_MS})`;

const CLIENT_USAGE = `usage: tls-echo client [--host HOST] [--port N] [--servername NAME]
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
  --timeout MS         connect + handshake limit (default ${DEFAULT_CONNECT_TIMEOUT_MS})`;

runMain(NAME, async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === 'client') return clientMain(argv.slice(1));
  return serverMain(argv);
});

async function serverMain(argv: string[]): Promise<void> {
  const args = parseServerArgs({
    argv,
    env: process.env,
    defaultPort: DEFAULT_PORT,
    usage: SERVER_USAGE,
    options: {
      cert: { type: 'string' },
      key: { type: 'string' },
      ca: { type: 'string' },
      'allow-unauthorized': { type: 'boolean' },
      'idle-timeout': { type: 'string' },
      'handshake-timeout': { type: 'string' },
    },
  });
  const { values } = args;
  const idleTimeout = intFlag('--idle-timeout', values['idle-timeout'], {
    min: 0,
    max: MAX_TIMEOUT_MS,
    default: DEFAULT_IDLE_TIMEOUT_MS,
  });
  const handshakeTimeout = intFlag('--handshake-timeout', values['handshake-timeout'], {
    min: 1,
    max: MAX_TIMEOUT_MS,
    default: DEFAULT_HANDSHAKE_TIMEOUT_MS,
  });
  const allowUnauthorized = values['allow-unauthorized'] === true;
  const credentials = await loadCredentials(
    { cert: values.cert, key: values.key, ca: values.ca },
    'server',
  );

  const logger = createLogger({ name: NAME, level: args.server.logLevel });
  logger.info(
    {
      cert: credentials.paths.cert,
      subject: credentials.certificate.subject.replaceAll('\n', ', '),
      subjectAltName: credentials.certificate.subjectAltName,
      fingerprint256: credentials.certificate.fingerprint256,
      validTo: credentials.certificate.validTo,
      clientCa: credentials.caCertificate.subject.replaceAll('\n', ', '),
    },
    'server certificate loaded',
  );
  if (allowUnauthorized) {
    logger.warn(
      'INSECURE: --allow-unauthorized accepts clients without a valid certificate (logged as unauthorized); for teaching only',
    );
  }
  const server = createTlsEchoServer({
    cert: credentials.cert,
    key: credentials.key,
    ca: credentials.ca,
    allowUnauthorized,
    idleTimeout,
    handshakeTimeout,
    logger,
  });
  await serve(server, {
    name: NAME,
    logger,
    scheme: 'tls',
    ...args.server,
    // Graceful step: stop echoing and half-close (TLS close_notify + FIN); the peer sees `end`.
    drain: () => {
      endConnections(server);
    },
  });
}

async function clientMain(argv: string[]): Promise<void> {
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
      timeout: { type: 'string' },
    },
    { usage: CLIENT_USAGE },
  );
  rejectPositionals(positionals);
  const port = intFlag('--port', values.port, { min: 1, max: 65_535, default: DEFAULT_PORT });
  const timeout = intFlag('--timeout', values.timeout, {
    min: 1,
    max: MAX_TIMEOUT_MS,
    default: DEFAULT_CONNECT_TIMEOUT_MS,
  });
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
  const ca = noCa ? undefined : await loadTrustedCa(values.ca);
  const pair = noClientCert
    ? undefined
    : await loadCredentials({ cert: values.cert, key: values.key, ca: values.ca }, 'client');
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
      timeout,
    });
  } catch (err) {
    process.stderr.write(`${NAME} client: ${formatTlsError(err as NodeJS.ErrnoException)}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(formatConnectionInfo(describeConnection(socket)));
  await pipeStdio(socket);
}

/** stdin → server, server → stdout, until the server closes the connection. */
function pipeStdio(socket: TLSSocket): Promise<void> {
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
      const shown =
        reset && received === 0 ? { code: 'ERR_TLS_CLOSED_BEFORE_GREETING', message: '' } : err;
      process.stderr.write(`${NAME} client: ${formatTlsError(shown)}\n`);
      process.exitCode = 1;
    });
    socket.once('close', () => {
      if (!failed && received === 0) {
        process.stderr.write(
          `${NAME} client: ${formatTlsError({ code: 'ERR_TLS_CLOSED_BEFORE_GREETING', message: '' })}\n`,
        );
        process.exitCode = 1;
      }
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
      : `unauthorized: ${formatTlsError({ code: info.authorizationError, message: '' })}`,
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
