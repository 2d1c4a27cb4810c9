/**
 * Layers point one way: the library (everything under src/ but main.ts and the CLIs in
 * src/cli/) reads only the files it is given. It uses certs' credential loader, TLS profile
 * and error table, but never its dev PKI (`ensureDevCerts` & co., which write certs/), and
 * calls no file-writing API; the CLIs decide which files to use.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]),
    ),
  );
  return nested.flat().filter((f) => f.endsWith('.ts'));
}

describe('layering', () => {
  it('library modules neither use the dev PKI nor write files; only main.ts and cli/ may', async () => {
    const files = (await sources(SRC)).map((f) => relative(SRC, f));
    // src/lib/ exists only in a project exported with `pnpm starter`: the inlined certs package,
    // which makes the dev PKI for the CLIs.
    const library = files.filter(
      (f) => f !== 'main.ts' && !f.startsWith('cli/') && !f.startsWith('lib/'),
    );
    expect(library).toEqual(expect.arrayContaining(['server.ts', 'client.ts']));
    for (const file of library) {
      const text = await readFile(join(SRC, file), 'utf8');
      expect(text, file).not.toMatch(/\b(ensureDevCerts|devCertPaths|DEFAULT_CERTS_DIR)\b/);
      expect(text, file).not.toMatch(
        /\b(writeFile|appendFile|mkdir|rename|rm|unlink|copyFile|createWriteStream)\b\s*\(/,
      );
      expect(text, file).not.toMatch(/process\.(argv|env)/);
    }
    // …and the CLIs are where the dev PKI comes in (certs' credentialPaths: flag or dev PKI).
    for (const cli of ['cli/server.ts', 'cli/client.ts']) {
      expect(await readFile(join(SRC, cli), 'utf8'), cli).toMatch(/\bcredentialPaths\b/);
    }
  });
});
