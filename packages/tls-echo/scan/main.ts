/**
 * `pnpm --filter tls-echo scan [-- --quick]`: a testssl.sh scan of tls-echo (the target is in
 * scan.ts; the program is certs' `runScanMain`).
 */
import { runScanMain } from 'certs/testssl';
import { TARGET } from './scan.ts';

runScanMain('tls-echo', TARGET, process.argv.slice(2));
