// Session benchmark: 10, 500 and 1,000 scripted turns of a trivial `bash true`
// through the real binary. Per-turn harness overhead is the scripted server's
// next request arrival minus its previous response end (tool run included);
// also peak RSS and the session file's size. With --compare, another build
// (say, main's dist/nanocode.js) runs the same scripts, interleaved with this
// one so machine noise hits both alike, and each figure is printed side by
// side with the ratio (this build / the other). Figures are medians of --runs.
//
//   npm run bench:session [-- --compare ../main/dist/nanocode.js] [--runs 3] [--turns 10,500,1000]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startScriptedServer } from '../test/support/scripted-server.ts';

const { values } = parseArgs({
  options: { compare: { type: 'string' }, runs: { type: 'string', default: '1' }, turns: { type: 'string', default: '10,500,1000' } },
});
const bin = resolve(import.meta.dirname, '../dist/nanocode.js');
const other = values.compare && resolve(values.compare);
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Figures {
  median: number;
  first: number;
  last: number;
  peakMb: number;
  fileKb: number;
}

async function measure(binary: string, turns: number): Promise<Figures> {
  // Numbered, so the repeat guard does not stop identical calls.
  const script = [...Array.from({ length: turns }, (_, i) => ({ toolCalls: [{ name: 'bash', args: { command: `true # ${i}` } }] })), { text: 'done' }];
  const server = await startScriptedServer(script);
  const home = mkdtempSync(join(tmpdir(), 'nanocode-bench-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'nanocode-bench-'));
  const env = { PATH: process.env.PATH, HOME: home, NANOCODE_HOME: home, OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_LOG: '0' };
  const child = spawn(process.execPath, [binary, '--max-turns', String(turns + 1), 'run true many times'], { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
  // Peak RSS: the kernel's high-water mark, read until the process ends.
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // exited
    }
  }, 20);
  const code = await new Promise((r) => child.on('close', r));
  clearInterval(poll);
  if (code !== 0) throw new Error(`${binary} exited ${code}`);
  const reqs = server.turnRequests();
  const overhead = server.responseEnds.slice(0, -1).map((end, i) => reqs[i + 1].at - end);
  await server.close();
  const dir = join(home, 'sessions');
  const sub = readdirSync(dir)[0];
  const file = join(dir, sub, readdirSync(join(dir, sub))[0]);
  const fileKb = statSync(file).size / 1024;
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
  const tenth = Math.max(1, Math.floor(overhead.length / 10));
  return { median: median(overhead), first: median(overhead.slice(0, tenth)), last: median(overhead.slice(-tenth)), peakMb: peakKb / 1024, fileKb };
}

/** The median of each figure over several runs. */
function medians(all: Figures[]): Figures {
  const of = (k: keyof Figures) => median(all.map((f) => f[k]));
  return { median: of('median'), first: of('first'), last: of('last'), peakMb: of('peakMb'), fileKb: of('fileKb') };
}

const columns: Array<[string, keyof Figures, string, number]> = [
  ['overhead/turn median', 'median', 'ms', 2],
  ['first 10%', 'first', 'ms', 2],
  ['last 10%', 'last', 'ms', 2],
  ['peak RSS', 'peakMb', 'MB', 0],
  ['session file', 'fileKb', 'KB', 0],
];

console.log(`Node ${process.version}; ${runs} run(s) each, medians${other ? `; this build vs ${other}, interleaved` : ''}`);
for (const turns of values.turns.split(',').map(Number)) {
  const mine: Figures[] = [];
  const theirs: Figures[] = [];
  for (let i = 0; i < runs; i++) {
    // Taking turns at going first: neither build always runs on a warmer machine.
    if (other && i % 2) theirs.push(await measure(other, turns));
    mine.push(await measure(bin, turns));
    if (other && !(i % 2)) theirs.push(await measure(other, turns));
  }
  const a = medians(mine);
  const b = other ? medians(theirs) : undefined;
  console.log(`\n${turns} turns`);
  for (const [name, key, unit, digits] of columns) {
    const cell = (f: Figures) => `${f[key].toFixed(digits).padStart(8)} ${unit}`;
    const compared = b ? `   other ${cell(b)}   ratio ${(a[key] / b[key]).toFixed(2)}` : '';
    console.log(`  ${name.padEnd(22)} ${cell(a)}${compared}`);
  }
}
console.log('\naims at 500 turns: median at most 5 ms, last turns no slower than the first, peak RSS at most 120 MB');
