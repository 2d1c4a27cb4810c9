/**
 * `https-server [flags]`: the HTTPS + HTTP/2 server on port 8443 as a program (`pnpm start`):
 * common's server flags, one flag per limit in `LIMITS`, the credentials, mutual TLS, the TLS
 * profile and the redirect listener; then common's `serve`.
 */
import { credentialPaths, loadCredentials, TLS_PROFILE_NAMES, type LoadedCredentials } from 'certs';
import {
  choiceFlag,
  createLogger,
  intFlag,
  isClusterPrimary,
  limitFlags,
  limitsHelp,
  listen,
  parseServerArgs,
  readLimitFlags,
  serve,
  type Logger,
} from 'common';
import { DEFAULT_PORT } from '../constants.ts';
import { LIMITS } from '../limits.ts';
import { createHttpsServer } from '../server.ts';
import { userPath } from './paths.ts';

const NAME = 'https-server';

const USAGE = `usage: https-server [--cert FILE --key FILE] [--require-client-cert [--ca FILE]]
                    [--tls-profile intermediate|modern] [--redirect-http PORT] [limits]
       https-server client --help

HTTPS server of §7.5.3 with HTTP/2 (ALPN h2, http/1.1) and Mozilla's intermediate TLS profile.
Default certificates: the dev PKI in certs/ (pnpm certs).
  --cert FILE              server certificate, PEM (default certs/server.crt)
  --key FILE               its private key, PEM (default certs/server.key)
  --require-client-cert    mutual TLS: refuse clients without a certificate from --ca
  --ca FILE                CA client certificates must chain to (default certs/ca.crt)
  --tls-profile NAME       intermediate (TLS 1.2 + 1.3, default) or modern (TLS 1.3 only)
  --redirect-http PORT     also listen for plain HTTP on PORT, answering 308 to https

Limits:
${limitsHelp(LIMITS, 37)}`;

/**
 * Parses the flags, loads and checks the credentials (the dev PKI for a file not given), then
 * serves until SIGINT/SIGTERM (common's `serve`; the redirect listener after it, with common's
 * `listen`).
 *
 * @throws {CliError} for a bad flag; {@link CredentialsError} for a bad file;
 *   `InvalidArgumentError` for flags fine alone but not together (all exit 2, see main.ts);
 *   the listen error (`EADDRINUSE` …, exit 1).
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
      'require-client-cert': { type: 'boolean' },
      'tls-profile': { type: 'string' },
      'redirect-http': { type: 'string' },
      ...limitFlags(LIMITS),
    },
  });
  const v = args.values;
  const limits = readLimitFlags(LIMITS, v);
  const tlsProfile = choiceFlag(
    '--tls-profile',
    v['tls-profile'],
    TLS_PROFILE_NAMES,
    'intermediate',
  );
  const redirectPort =
    v['redirect-http'] === undefined
      ? undefined
      : intFlag('--redirect-http', v['redirect-http'], { min: 0, max: 65_535 });
  const requireClientCert = v['require-client-cert'] === true;
  const paths = await credentialPaths(
    { cert: userPath(v.cert, env), key: userPath(v.key, env), ca: userPath(v.ca, env) },
    'server',
  );
  const credentials = await loadCredentials(paths);

  const logger = createLogger({ name: NAME, level: args.server.logLevel });
  logCredentials(logger, credentials, requireClientCert);
  const { cert, key, ca } = credentials;
  const app = createHttpsServer({
    cert,
    key,
    ca,
    requireClientCert,
    tlsProfile,
    redirectHttp: redirectPort !== undefined,
    ...limits,
    logger,
  });
  logger.info(
    { tlsProfile: app.profile.name, minVersion: app.profile.minVersion, limits },
    'TLS profile and limits (bytes, ms)',
  );
  await serve(app, { name: NAME, logger, ...args.server });
  // After the HTTPS listener, so that its `listening` line (and, with --workers N, the one the
  // cluster primary logs from its workers' first listen) names the HTTPS port. The primary
  // only supervises: the workers serve, the redirect included (node:cluster shares the port).
  if (
    app.redirect !== undefined &&
    redirectPort !== undefined &&
    !isClusterPrimary(args.server.workers)
  ) {
    const address = await listen(app.redirect.server, {
      host: args.server.host,
      port: redirectPort,
    });
    logger.info({ address: `http://${address}` }, 'redirecting plain HTTP to https (308)');
  }
}

function logCredentials(logger: Logger, c: LoadedCredentials, requireClientCert: boolean): void {
  logger.info(
    {
      cert: c.paths.cert,
      subject: c.certificate.subject.replaceAll('\n', ', '),
      subjectAltName: c.certificate.subjectAltName,
      fingerprint256: c.certificate.fingerprint256,
      validTo: c.certificate.validTo,
      clientCa: requireClientCert ? c.caCertificate.subject.replaceAll('\n', ', ') : undefined,
    },
    'server certificate loaded',
  );
}
