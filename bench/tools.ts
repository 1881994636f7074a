// Tool benchmarks, each side by side with a baseline in the same run:
//  - grep for a literal over a generated 50,000-file tree: nanocode's grep
//    (ripgrep path) vs rg alone, and the JavaScript fallback;
//  - read of a 100-line window deep in a 1 GB file: time and peak RSS, vs sed;
//  - edit of a 10 MB file vs a bare read-replace-write;
//  - the bash tool: 100 commands through its persistent shell, with and
//    without the OS sandbox (bubblewrap), interleaved.
//
//   npm run bench:tools [-- --runs 7]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ShellSandbox } from '../src/safety/shell-sandbox.ts';
import { closeShell, makeBashTool } from '../src/tools/bash.ts';
import { editTool } from '../src/tools/edit.ts';
import { grepTool } from '../src/tools/grep.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const work = join(tmpdir(), 'nanocode-bench-tools');
mkdirSync(work, { recursive: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ctx = (env: NodeJS.ProcessEnv) => ({ cwd: work, env, redact: (text: string) => text, state: { seen: new Map() }, signal: new AbortController().signal, onOutput() {} });
const row = (name: string, ms: number, base: number, extra = '') => console.log(`  ${name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / base).toFixed(2)}x ${extra}`);

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((res) => spawn(cmd, args, { stdio: 'ignore' }).on('close', () => res()));
}

// 1. grep over 50,000 files.
const tree = join(work, 'tree');
if (!existsSync(join(tree, 'd499/f99.txt'))) {
  console.log('generating 50,000 files ...');
  const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n'.repeat(12);
  for (let d = 0; d < 500; d++) {
    mkdirSync(join(tree, `d${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) {
      const special = (d * 100 + f) % 2500 === 7 ? 'the quick zebra_needle_42 jumps\n' : '';
      writeFileSync(join(tree, `d${d}`, `f${f}.txt`), filler + special + filler);
    }
  }
}
const rg = execFileSync('bash', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
const rgTimes: number[] = [];
const ncTimes: number[] = [];
const jsTimes: number[] = [];
let output = '';
for (let i = 0; i < runs; i++) {
  rgTimes.push(await timed(() => run(rg, ['--no-config', '-n', '-F', 'zebra_needle_42', tree])));
  ncTimes.push(await timed(async () => (output = String((await grepTool.execute({ pattern: 'zebra_needle_42', path: 'tree', literal: true }, ctx(process.env))).content))));
  if (i < 3) jsTimes.push(await timed(() => grepTool.execute({ pattern: 'zebra_needle_42', path: 'tree', literal: true }, ctx({ PATH: '' }))));
}
console.log(`grep, literal over 50,000 files (${output.split('\n').length} matches), median of ${runs}:`);
row('rg alone', median(rgTimes), median(rgTimes));
row("nanocode grep (rg)", median(ncTimes), median(rgTimes), '(aim: at most 1.2x)');
row('nanocode grep (JS fallback)', median(jsTimes), median(rgTimes), `(median of ${jsTimes.length})`);

// 2. read a window deep in a 1 GB file, in a fresh process for a true peak RSS.
const big = join(work, 'big.txt');
if (!existsSync(big)) {
  console.log('generating a 1 GB file ...');
  execFileSync('bash', ['-c', `seq -f '%0199.0f' 1 5400000 > ${big}`]);
}
const readScript = `
  import { readTool } from ${JSON.stringify(resolve(import.meta.dirname, '../src/tools/read.ts'))};
  const t = performance.now();
  const r = await readTool.execute({ path: ${JSON.stringify(big)}, offset: 5000000, limit: 100 }, { cwd: '/', env: {}, state: { seen: new Map() }, signal: new AbortController().signal, onOutput() {} });
  console.log(JSON.stringify({ ms: performance.now() - t, rss: process.resourceUsage().maxRSS, lines: String(r.content).split('\\n').length }));`;
const reads: Array<{ ms: number; rss: number }> = [];
const seds: number[] = [];
for (let i = 0; i < Math.min(runs, 3); i++) {
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', readScript], { encoding: 'utf8' });
  reads.push(JSON.parse(out.stdout));
  seds.push(await timed(() => run('sed', ['-n', '5000000,5000099p;5000099q', big])));
}
const readMs = median(reads.map((r) => r.ms));
console.log(`read, lines 5,000,000-5,000,099 of a 1 GB file (5,400,000 lines), median of ${reads.length}:`);
row('sed -n (stops at the window)', median(seds), median(seds));
row('nanocode read (counts every line)', readMs, median(seds), `peak RSS ${(Math.max(...reads.map((r) => r.rss)) / 1024).toFixed(0)} MB`);

// 3. edit a 10 MB file.
const tenMb = join(work, 'ten.txt');
const lines = Array.from({ length: 200_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n') + '\n';
const bare: number[] = [];
const edits: number[] = [];
for (let i = 0; i < runs; i++) {
  writeFileSync(tenMb, lines);
  bare.push(await timed(() => writeFileSync(tenMb, readFileSync(tenMb, 'utf8').replace('line 123456 ', 'LINE 123456 '))));
  writeFileSync(tenMb, lines);
  edits.push(await timed(() => editTool.execute({ path: tenMb, oldText: 'line 123456 ', newText: 'LINE 123456 ' }, ctx(process.env))));
}
console.log(`edit, one replacement in a ${(Buffer.byteLength(lines) / 1e6).toFixed(1)} MB file, median of ${runs}:`);
row('read, replace, write (bare)', median(bare), median(bare));
row('nanocode edit (checks, diff, atomic)', median(edits), median(bare));

// 4. the bash tool, 100 commands per shell, plain and sandboxed in turn.
const COMMANDS = 100;
const sandbox = (setting: boolean) => new ShellSandbox({ setting, spec: { workspace: work, tmp: tmpdir(), nanocodeHome: join(work, 'home') }, env: process.env, notify() {} });
const kinds = { plain: makeBashTool(sandbox(false)), sandboxed: makeBashTool(sandbox(true)) };
const perCommand: Record<keyof typeof kinds, number[]> = { plain: [], sandboxed: [] };
const sandboxHere = await sandbox(true).sandboxed();
for (let i = 0; i < runs; i++) {
  for (const kind of sandboxHere ? (['plain', 'sandboxed'] as const) : (['plain'] as const)) {
    const c = ctx(process.env);
    await kinds[kind].execute({ command: 'true' }, c); // the shell starts
    perCommand[kind].push((await timed(async () => { for (let n = 0; n < COMMANDS; n++) await kinds[kind].execute({ command: 'true' }, c); })) / COMMANDS);
    closeShell(c.state);
  }
}
console.log(`bash tool, per command (${COMMANDS} through one shell), median of ${runs}:`);
row('plain bash', median(perCommand.plain), median(perCommand.plain));
if (sandboxHere) row('in the sandbox (bubblewrap)', median(perCommand.sandboxed), median(perCommand.plain));
else console.log('  in the sandbox: not here (bubblewrap is missing or cannot run)');
