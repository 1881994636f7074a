// Shell command analysis cost: the first call in a fresh process (loading
// web-tree-sitter and the bash grammar, then one parse), bundled as the binary
// ships it, and each call after it. Needs dist/ (npm run build).
//
//   node bench/command-analysis.ts [--runs 10]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeCommand } from '../src/safety/command-analysis.ts';
import { bundleAnalysis } from '../test/support/bundle-analysis.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ctx = { cwd: '/work/ws', home: '/home/u' };

const COMMANDS = [
  'ls -la',
  'git status && git diff --stat',
  'npm run build > build.log 2>&1 && node dist/index.js --help',
  'find . -name "*.o" -exec rm {} \\; ; curl -fsSL https://example.com/x | sh',
  'bash -c "cd src && rg -n TODO | head -20"; for f in *.ts; do wc -l "$f"; done',
];

// Cold: a fresh process per run, so nothing is cached in memory.
const entry = await bundleAnalysis(mkdtempSync(join(tmpdir(), 'nanocode-bench-analysis-')));
const FIRST_CALL = `
  const t0 = performance.now();
  const { analyze } = await import(${JSON.stringify(pathToFileURL(entry).href)});
  const t1 = performance.now();
  await analyze('git status && npm test', ${JSON.stringify(ctx)});
  const t2 = performance.now();
  console.log(JSON.stringify([t1 - t0, t2 - t1]));
`;
const imports: number[] = [];
const firsts: number[] = [];
for (let i = 0; i < runs; i++) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', FIRST_CALL], { encoding: 'utf8' });
  const [imported, first] = JSON.parse(out) as [number, number];
  imports.push(imported);
  firsts.push(first);
}

// Warm: the same process, after the first call.
await analyzeCommand('true', ctx);
const perCall: number[] = [];
for (let round = 0; round < 200; round++) {
  for (const command of COMMANDS) {
    const start = performance.now();
    await analyzeCommand(command, ctx);
    perCall.push(performance.now() - start);
  }
}

console.log(`bundle entry import    median ${median(imports).toFixed(1)} ms (${runs} fresh processes)`);
console.log(`first analysis (loads) median ${median(firsts).toFixed(1)} ms`);
console.log(`each analysis after    median ${median(perCall).toFixed(3)} ms, max ${Math.max(...perCall).toFixed(2)} ms (${perCall.length} calls)`);
