// Builds the console page into dist/console-page/ with esbuild: app.js (TypeScript + uPlot, minified),
// app.css, index.html. Skips the work when no input changed since the last build (npm start runs this).
// Usage: node console/build.mjs [--force] [--out DIR]
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { force: { type: 'boolean', default: false }, out: { type: 'string' } },
});
const out = resolve(values.out ?? join(ROOT, 'dist', 'console-page'));
const manifest = join(out, 'inputs.json');
const html = join(ROOT, 'console', 'index.html');

/** True when every input the last build read (its metafile) is older than that build. */
function upToDate() {
  if (values.force || !existsSync(manifest)) return false;
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(manifest, 'utf8'));
    return [...inputs, html].every((file) => statSync(resolve(ROOT, file)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

if (!upToDate()) {
  const { build } = await import('esbuild').catch((error) => {
    process.stderr.write(`console build: esbuild is missing (${error.code ?? error.message}); run npm ci\n`);
    process.exit(1);
  });
  const builtAt = Date.now();
  mkdirSync(out, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: 'console/src/main.ts' },
    outdir: out,
    bundle: true,
    minify: true,
    format: 'esm',
    // Browsers with CSS light-dark() (2024 on), so esbuild leaves the theme colours as written.
    target: ['chrome123', 'firefox120', 'safari17.5'],
    metafile: true,
    legalComments: 'eof',
    logLevel: 'warning',
  }).catch(() => process.exit(1));
  copyFileSync(html, join(out, 'index.html'));
  const inputs = Object.keys(result.metafile.inputs);
  writeFileSync(manifest, `${JSON.stringify({ builtAt, inputs }, null, 2)}\n`);
}
