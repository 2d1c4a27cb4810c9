/** `pnpm certs [--force] [--rsa]`: creates the dev PKI in certs/ (or regenerates it). */
import { parseArgs } from 'node:util';
import { ensureDevCerts } from './dev-certs.ts';

let values;
try {
  ({ values } = parseArgs({
    options: { force: { type: 'boolean' }, rsa: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
} catch (err) {
  process.stderr.write(`certs: ${(err as Error).message.split('\n')[0]}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write('usage: pnpm certs [--force] [--rsa] [--dir DIR]\n  --force  regenerate even if valid certificates exist\n  --rsa    RSA-2048 keys instead of ECDSA P-256\n');
  process.exit(0);
}
const result = await ensureDevCerts({ force: values.force ?? false, algorithm: values.rsa ? 'rsa-2048' : 'ecdsa-p256', dir: values.dir });
process.stdout.write(
  `${result.generated ? 'generated' : 'kept (still valid; --force regenerates)'} dev PKI in ${result.dir}\n` +
    `  CA:     ${result.ca}\n  server: ${result.serverCert} + ${result.serverKey}\n  client: ${result.clientCert} + ${result.clientKey}\n`,
);
