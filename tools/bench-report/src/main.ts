/** `pnpm bench`'s last step: gathers packages/*\/bench/results/*.json into bench/REPORT.md + SVGs. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchFile } from 'common/bench';
import { ratioChartSvg, renderReport } from './report.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUT = join(ROOT, 'bench');

const files: BenchFile[] = [];
for (const pkg of await readdir(join(ROOT, 'packages'))) {
  const dir = join(ROOT, 'packages', pkg, 'bench', 'results');
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    files.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as BenchFile);
  }
}
await mkdir(OUT, { recursive: true });
const charts = new Map<string, string>();
for (const file of files) {
  const svg = await ratioChartSvg(file);
  if (svg === undefined) continue;
  const name = `${file.package}.svg`;
  await writeFile(join(OUT, name), svg);
  charts.set(file.package, name);
}
await writeFile(
  join(OUT, 'REPORT.md'),
  renderReport(files, (f) => charts.get(f.package)),
);
process.stdout.write(
  `bench-report: ${files.length} result file(s) → ${join(OUT, 'REPORT.md')}${charts.size ? ` + ${charts.size} chart(s)` : ''}\n`,
);
