/**
 * What `pnpm --filter https-server scan` scans: this server (HTTPS and HTTP/2 on one port),
 * started on a free port with the dev PKI (certs' `scanServer`). A full scan takes minutes;
 * `--quick` runs only the checks that flagged Node's defaults before the TLS profile: server
 * cipher order (`-P`), renegotiation (`-R`), HTTP security headers (`-h`).
 */
import { fileURLToPath } from 'node:url';
import type { ScanTarget } from 'certs/testssl';

export const TARGET: ScanTarget = {
  name: 'https-server (TLS profile intermediate)',
  main: fileURLToPath(new URL('../src/main.ts', import.meta.url)),
  args: [],
  url: (port) => `https://localhost:${port}/`,
  quickDescription: 'server cipher order, renegotiation and HTTP headers',
  quick: ['-P', '-R', '-h'],
};
