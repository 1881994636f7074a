// Bundles the shell command analysis the way scripts/build.mjs bundles the
// CLI (ESM, split chunks, the analysis loaded lazily from chunks/), with the
// .wasm files taken from the built dist/: so a test or bench can run the
// analysis exactly as the shipped binary would, away from node_modules.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { WASM_FILES } from '../../src/safety/shell-parser.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Writes outdir/entry.js, whose `analyze` is analyzeCommand imported on first use. */
export async function bundleAnalysis(outdir: string): Promise<string> {
  const source = join(outdir, 'entry.ts');
  writeFileSync(source, `export const analyze = (command, ctx) =>
  import(${JSON.stringify(join(ROOT, 'src/safety/command-analysis.ts'))}).then((m) => m.analyzeCommand(command, ctx));\n`);
  await build({
    entryPoints: { entry: source },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'warning',
  });
  for (const spec of Object.values(WASM_FILES)) {
    const file = spec.split('/')[1]!;
    copyFileSync(join(ROOT, 'dist', file), join(outdir, file));
  }
  return join(outdir, 'entry.js');
}
