/**
 * `pnpm --filter https-server scan [-- --quick]`: a testssl.sh scan of https-server (the target is in
 * scan.ts; the program is certs' `runScanMain`).
 */
import { runScanMain } from 'certs/testssl';
import { TARGET } from './scan.ts';

runScanMain('https-server', TARGET, process.argv.slice(2));
