// Startup benchmark: a whole one-turn headless run against the scripted model
// server, side by side with bare `node -e 0`, interleaved so machine noise hits
// both alike. Prints medians and the ratio, and the size of the first request.
// With --compare, another build (say, main's dist/nanocode.js) takes its turn
// in the same rounds.
//
//   npm run bench:startup [-- --runs 30] [--compare ../main/dist/nanocode.js]
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startScriptedServer } from '../test/support/scripted-server.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, compare: { type: 'string' } } });
const runs = Number(values.runs);
const bin = resolve(import.meta.dirname, '../dist/nanocode.js');
const other = values.compare && resolve(values.compare);
const cwd = mkdtempSync(join(tmpdir(), 'nanocode-bench-'));
const server = await startScriptedServer();
const env = { PATH: process.env.PATH, HOME: mkdtempSync(join(tmpdir(), 'nanocode-bench-home-')), OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' };

// Async spawn: the scripted server lives in this process and must keep serving.
function time(args: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolveTime, reject) =>
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else resolveTime(ms);
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare: number[] = [];
const nanocode: number[] = [];
const others: number[] = [];
// One warm-up run fills Node's compile cache, as any second use would.
for (const b of other ? [bin, other] : [bin]) {
  server.push({ text: 'warm' });
  await time([b, 'hi']);
}
const oneTurn = async (b: string, into: number[]) => {
  server.push({ text: 'Hello! The task is done.' });
  into.push(await time([b, 'say hello']));
};
let bytes = 0;
for (let i = 0; i < runs; i++) {
  bare.push(await time(['-e', '0']));
  // Taking turns at going first: neither build always runs on a warmer machine.
  if (other && i % 2) await oneTurn(other, others);
  await oneTurn(bin, nanocode);
  bytes = Buffer.byteLength(JSON.stringify(server.turnRequests().at(-1)!.body));
  if (other && !(i % 2)) await oneTurn(other, others);
}
await server.close();

const b = median(bare);
const n = median(nanocode);
console.log(`runs: ${runs} each, interleaved; Node ${process.version}`);
console.log(`node -e 0                       median ${b.toFixed(1)} ms`);
console.log(`nanocode one-turn headless run  median ${n.toFixed(1)} ms`);
console.log(`ratio                           ${(n / b).toFixed(2)}x node -e 0 (aim: at most 4x)`);
if (other) {
  const o = median(others);
  console.log(`${other}  median ${o.toFixed(1)} ms, ${(o / b).toFixed(2)}x node -e 0; this build / it: ${(n / o).toFixed(2)}`);
}
console.log(`first request body              ${(bytes / 1024).toFixed(1)} KB (system prompt, tools, task)`);
