/** The static-content demo's text output: the measurement, then the explanation, from the data. */
import { formatTable } from 'common';
import type { StaticContentResult } from './index.ts';

export function formatStaticContent(r: StaticContentResult): string {
  const keepAlive = r.ratios.find((x) => x.mode === 'keep-alive')!;
  // A string chunk at least as long as the body: the body (alone, or after the header).
  const isBodyString = (chunk: string): boolean =>
    Number(/^string (\d+)/.exec(chunk)?.[1] ?? 0) >= r.bodyBytes;
  const bodyAsString = r.writePaths
    .filter((p) => p.route === 'string')
    .every((p) => p.calls.some((c) => c.chunks.some(isBodyString)));
  const oneCall = r.writePaths.every((p) => p.calls.length === 1);
  return [
    `§6.4 Buffer与性能: a ${r.bodyBytes / 1024} KiB body, res.end(string) vs res.end(buffer), on ${process.version}`,
    `autocannon ${r.connections} connections, ${r.durationMs} ms per run, median of ${r.runs} alternated run(s)` +
      (r.pinned ? '; server on CPU 0 (taskset)' : ''),
    '',
    formatTable(
      ['route', 'connections', 'req/s', 'MiB/s', 'p99 ms', 'server µs/req', 'errors'],
      r.figures.map((f) => [
        `/${f.route}`,
        f.mode,
        f.reqPerSecond,
        f.mibPerSecond,
        f.p99Ms,
        f.serverUsPerRequest,
        f.errors,
      ]),
    ),
    '',
    formatTable(
      ['connections', 'Buffer ÷ string req/s', 'string ÷ Buffer server CPU/req'],
      r.ratios.map((x) => [
        x.mode,
        `${x.bufferOverStringThroughput.toFixed(2)}×`,
        `${x.stringOverBufferCpu.toFixed(2)}×`,
      ]),
    ),
    '',
    'Why not 2× (the book): what each response hands to the socket handle (traced in the server):',
    formatTable(
      ['route', 'request', 'handle calls'],
      r.writePaths.map((p) => [
        `/${p.route}`,
        p.request,
        p.calls.map((c) => `${c.method}[${c.chunks.join(', ')}]`).join(' '),
      ]),
    ),
    '',
    `- ${oneCall ? 'Every response is one handle call' : 'Responses take several handle calls'} (res.end corks the socket; the uncork flushes` +
      ' header, chunk framing and body together).',
    bodyAsString
      ? `- The string body reaches the handle as a JS string: Node encodes it to UTF-8 in C++ inside that writev (into memory it allocates for the call), never as a JS Buffer.`
      : '- The string body is turned into bytes before it reaches the handle.',
    `- writev, median of ${r.writev.map((w) => `${w.calls} calls`).join(' / ')}: ` +
      r.writev.map((w) => `/${w.route} ${w.medianUs.toFixed(1)} µs`).join(', ') +
      ` (mostly the system call itself).`,
    `- Buffer.byteLength while writing (the chunk-size line): ` +
      r.byteLength
        .map(
          (b) =>
            `/${b.route} ${b.callsPerResponse.toFixed(0)} call(s) per response${b.callsPerResponse > 0 ? `, median ${b.medianUs.toFixed(2)} µs` : ''}`,
        )
        .join('; ') +
      '.',
    `- So the string body costs ≈ ${r.encodeUs.toFixed(1)} µs more per response.`,
    `- The Buffer route costs ${r.figures.find((f) => f.route === 'buffer' && f.mode === 'keep-alive')!.serverUsPerRequest.toFixed(1)} µs of server CPU per keep-alive request;` +
      ` adding that predicts ${r.predictedCpuRatio.toFixed(2)}× for the string route; measured ${keepAlive.stringOverBufferCpu.toFixed(2)}×` +
      (r.runs * r.durationMs < 5_000 ? ' (short runs: noisy; see pnpm bench).' : '.'),
    ...(r.profiles.length === 0
      ? []
      : [
          '',
          '--cpu-prof of each route under keep-alive load (self time per request, share of busy time):',
          ...r.profiles.flatMap((p) => [
            `/${p.route}: ${p.requests.toLocaleString('en-US')} requests, busy ${((p.busyMs * 1000) / p.requests).toFixed(1)} µs/request, native writev ${p.writevUsPerRequest.toFixed(1)} µs/request`,
            formatTable(
              ['function', 'µs/request', 'share'],
              p.top.map((e) => [
                e.name,
                (e.selfMs * 1000) / p.requests,
                `${(e.share * 100).toFixed(1)} %`,
              ]),
            ),
          ]),
        ]),
  ].join('\n');
}
