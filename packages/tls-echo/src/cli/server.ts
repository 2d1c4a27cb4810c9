/** `tls-echo [flags]`: the mutual-TLS echo server on port 8000 as a program (§7.5.2, `pnpm start`). */
import { credentialPaths, loadCredentials, TLS_PROFILE_NAMES, type LoadedCredentials } from 'certs';
import {
  choiceFlag,
  createLogger,
  limitFlags,
  limitsHelp,
  parseServerArgs,
  readLimitFlags,
  serve,
  type Logger,
} from 'common';
import { DEFAULT_PORT } from '../constants.ts';
import { SERVER_LIMITS } from '../limits.ts';
import { createTlsEchoServer } from '../server.ts';

const NAME = 'tls-echo';

const USAGE = `usage: tls-echo [--cert FILE --key FILE --ca FILE] [--allow-unauthorized]
                [--tls-profile intermediate|modern]
                [--idle-timeout MS] [--handshake-timeout MS]
       tls-echo client --help

Mutual-TLS echo server (book §7.5.2). Default certificates: the dev PKI in certs/ (pnpm certs).
  --cert FILE              server certificate, PEM (default certs/server.crt)
  --key FILE               its private key, PEM (default certs/server.key)
  --ca FILE                CA that client certificates must chain to (default certs/ca.crt)
  --allow-unauthorized     INSECURE: accept clients without a valid certificate (the book's demo)
  --tls-profile NAME       intermediate (TLS 1.2 + 1.3, default) or modern (TLS 1.3 only)
${limitsHelp(SERVER_LIMITS)}`;

/**
 * Parses the server's flags (timeouts from `SERVER_LIMITS`), loads and checks the credentials
 * (the dev PKI for a file not given), then listens with common's `serve()` until
 * SIGINT/SIGTERM. Bad flags throw a `CliError` and bad files a `CredentialsError`, each naming
 * the flag or file (exit 2, see main.ts).
 */
export async function serverMain(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const args = parseServerArgs({
    argv,
    env,
    defaultPort: DEFAULT_PORT,
    usage: USAGE,
    options: {
      cert: { type: 'string' },
      key: { type: 'string' },
      ca: { type: 'string' },
      'allow-unauthorized': { type: 'boolean' },
      'tls-profile': { type: 'string' },
      ...limitFlags(SERVER_LIMITS),
    },
  });
  const v = args.values;
  const limits = readLimitFlags(SERVER_LIMITS, v);
  const allowUnauthorized = v['allow-unauthorized'] === true;
  const tlsProfile = choiceFlag(
    '--tls-profile',
    v['tls-profile'],
    TLS_PROFILE_NAMES,
    'intermediate',
  );
  const paths = await credentialPaths({ cert: v.cert, key: v.key, ca: v.ca }, 'server');
  const credentials = await loadCredentials(paths);

  const logger = createLogger({ name: NAME, level: args.server.logLevel });
  logCredentials(logger, credentials);
  if (allowUnauthorized) {
    logger.warn(
      'INSECURE: --allow-unauthorized accepts clients without a valid certificate (logged as unauthorized); for teaching only',
    );
  }
  const { cert, key, ca } = credentials;
  await serve(
    createTlsEchoServer({ cert, key, ca, allowUnauthorized, tlsProfile, ...limits, logger }),
    {
      name: NAME,
      logger,
      ...args.server,
    },
  );
}

function logCredentials(logger: Logger, credentials: LoadedCredentials): void {
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
}
