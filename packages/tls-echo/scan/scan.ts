/**
 * What `pnpm --filter tls-echo scan` scans: the mutual-TLS echo server,
 * started on a free port with the dev PKI (certs' `scanServer`). A full scan takes minutes;
 * `--quick` runs only the checks that flagged Node's defaults before the TLS profile: server
 * cipher order (`-P`), renegotiation (`-R`), LUCKY13 (`-L`, CBC suites).
 */
import { fileURLToPath } from 'node:url';
import type { ScanTarget } from 'certs/testssl';

export const TARGET: ScanTarget = {
  name: 'tls-echo (TLS profile intermediate, --allow-unauthorized)',
  main: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
  // testssl.sh 3.0.8 (Debian 12) cannot present a client certificate: tls-echo still asks
  // for one, and its TLS profile is the same.
  args: ['--allow-unauthorized'],
  url: (port) => `localhost:${port}`,
  quickDescription: 'server cipher order, renegotiation and LUCKY13',
  quick: ['-P', '-R', '-L'],
};
