// Session benchmark: 10, 500 and 1,000 scripted turns of a trivial `bash true`
// through the real binary. Per-turn harness overhead is the scripted server's
// next request arrival minus its previous response end (tool run included);
// also peak RSS and the session file's size.
//
//   npm run bench:session
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startScriptedServer } from '../test/support/scripted-server.ts';

const bin = resolve(import.meta.dirname, '../dist/nanocode.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(turns: number) {
  // Numbered, so the repeat guard does not stop identical calls.
  const script = [...Array.from({ length: turns }, (_, i) => ({ toolCalls: [{ name: 'bash', args: { command: `true # ${i}` } }] })), { text: 'done' }];
  const server = await startScriptedServer(script);
  const home = mkdtempSync(join(tmpdir(), 'nanocode-bench-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'nanocode-bench-'));
  const env = { PATH: process.env.PATH, HOME: home, NANOCODE_HOME: home, OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_LOG: '0' };
  const child = spawn(process.execPath, [bin, '--max-turns', String(turns + 1), 'run true many times'], { cwd, env, stdio: ['ignore', 'ignore', 'inherit'] });
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
  if (code !== 0) throw new Error(`nanocode exited ${code}`);
  const reqs = server.turnRequests();
  const overhead = server.responseEnds.slice(0, -1).map((end, i) => reqs[i + 1].at - end);
  await server.close();
  const dir = join(home, 'sessions');
  const sub = readdirSync(dir)[0];
  const file = join(dir, sub, readdirSync(join(dir, sub))[0]);
  const tenth = Math.max(1, Math.floor(overhead.length / 10));
  return {
    turns,
    median: median(overhead),
    first: median(overhead.slice(0, tenth)),
    last: median(overhead.slice(-tenth)),
    peakMb: peakKb / 1024,
    fileKb: statSync(file).size / 1024,
  };
}

console.log('turns   overhead/turn median   first 10%   last 10%   peak RSS   session file');
for (const n of [10, 500, 1000]) {
  const r = await measure(n);
  console.log(
    `${String(r.turns).padStart(5)}   ${r.median.toFixed(2).padStart(17)} ms   ${r.first.toFixed(2).padStart(6)} ms   ${r.last.toFixed(2).padStart(6)} ms   ${r.peakMb.toFixed(0).padStart(5)} MB   ${r.fileKb.toFixed(0).padStart(7)} KB`,
  );
}
console.log('aims at 500 turns: median at most 5 ms, last turns no slower than the first, peak RSS at most 120 MB');
