/**
 * `pnpm certs [--force] [--rsa] [--dir DIR]` (`npm run certs` in a project exported with `pnpm
 * starter`): creates the dev PKI in certs/ at the project root (or regenerates it).
 * The only module of this package that reads argv and writes to stdout.
 */
import { parseFlags, rejectPositionals, runMain } from 'common';
import { ensureDevCerts } from './dev-certs.ts';

const USAGE = `usage: certs [--force] [--rsa] [--dir DIR]   (pnpm certs; npm run certs in a starter)

Creates the dev PKI (a local CA, a server and a client certificate) when it is missing,
expires within 7 days or does not chain; otherwise keeps it.
  --force      regenerate even if valid certificates exist
  --rsa        RSA-2048 keys instead of ECDSA P-256
  --dir DIR    where to write (default: certs/ at the project root)
  -h, --help   this text
`;

runMain('certs', async () => {
  const { values, positionals } = parseFlags(
    process.argv.slice(2),
    { force: { type: 'boolean' }, rsa: { type: 'boolean' }, dir: { type: 'string' } },
    { usage: USAGE },
  );
  rejectPositionals(positionals);
  const result = await ensureDevCerts({
    force: values.force ?? false,
    algorithm: values.rsa === true ? 'rsa-2048' : 'ecdsa-p256',
    dir: values.dir,
  });
  process.stdout.write(
    `${result.generated ? 'generated' : 'kept (still valid; --force regenerates)'} dev PKI in ${result.dir}\n` +
      `  CA:     ${result.ca}\n  server: ${result.serverCert} + ${result.serverKey}\n  client: ${result.clientCert} + ${result.clientKey}\n`,
  );
});
