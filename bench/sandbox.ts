// What the OS sandbox costs, side by side with plain bash in the same run:
//  - per command: 100 `true` through one persistent shell, sent the way
//    src/tools/shell.ts sends them (here-document, eval, jobs, marker);
//  - startup: spawn to the first command's marker, which a one-off shell
//    for a command allowed the network also pays;
//  - the one-time check that bwrap works here.
//
//   npm run bench:sandbox [-- --runs 15]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectSandbox, spawnSandboxed, type SandboxSpec } from '../src/safety/sandbox.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
const COMMANDS = 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let t = performance.now();
const sandbox = await detectSandbox(process.env);
const detectMs = performance.now() - t;
if (sandbox.kind === 'none') {
  console.log(`no sandbox here: ${sandbox.why}`);
  process.exit(1);
}

const root = mkdtempSync(join(tmpdir(), 'nanocode-bench-sandbox-'));
const workspace = join(root, 'ws');
mkdirSync(workspace);
const spec = (network: boolean): SandboxSpec => ({ workspace, tmp: tmpdir(), nanocodeHome: join(root, 'nanocode-home'), network });
const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
const jobsFile = join(root, 'jobs');

/** A persistent shell driven like shell.ts: one command at a time, done at its marker. */
class Driver {
  private out = '';
  private waiting?: { marker: string; done: () => void };
  private n = 0;
  readonly child: ChildProcess;
  constructor(child: ChildProcess) {
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => {
      this.out += d;
      if (this.waiting && this.out.includes(this.waiting.marker)) {
        const { done } = this.waiting;
        this.waiting = undefined;
        this.out = '';
        done();
      }
    });
  }

  run(command: string): Promise<void> {
    const nonce = `b${this.n++}`;
    const script = [
      'eval "$__nc_cmd" < /dev/null 2>&1',
      '__nc_s=$?',
      `jobs -p > ${jobsFile}`,
      `while read -r __nc_p; do kill -9 "$__nc_p"; wait "$__nc_p"; done < ${jobsFile} 2>/dev/null`,
      `printf '\\036NC${nonce}\\036%d\\036%s\\036' "$__nc_s" "$PWD"`,
    ].join('; ');
    return new Promise((done) => {
      this.waiting = { marker: `\x1eNC${nonce}\x1e`, done };
      this.child.stdin!.write(`IFS= read -r -d '' __nc_cmd <<'NC_END_${nonce}'\n${command}\nNC_END_${nonce}\n${script}\n`);
    });
  }

  kill(): void {
    process.kill(-this.child.pid!, 'SIGKILL');
  }
}

type Way = 'bash' | 'sandbox' | 'sandbox+network';
const start = (way: Way) =>
  new Driver(
    way === 'bash'
      ? spawn('bash', ['--noprofile', '--norc'], { cwd: workspace, env, detached: true })
      : spawnSandboxed(sandbox.path, spec(way === 'sandbox+network'), { cwd: workspace, env, detached: true }),
  );

const ways: Way[] = ['bash', 'sandbox', 'sandbox+network'];
const startup: Record<Way, number[]> = { bash: [], sandbox: [], 'sandbox+network': [] };
const perCommand: Record<Way, number[]> = { bash: [], sandbox: [], 'sandbox+network': [] };
for (let i = 0; i < runs; i++) {
  // Interleaved, so that load on the machine falls on every way alike.
  for (const way of ways) {
    t = performance.now();
    const shell = start(way);
    await shell.run('true');
    startup[way].push(performance.now() - t);
    t = performance.now();
    for (let c = 0; c < COMMANDS; c++) await shell.run('true');
    perCommand[way].push((performance.now() - t) / COMMANDS);
    shell.kill();
  }
}
rmSync(root, { recursive: true, force: true });

const row = (name: string, ms: number, base: number, digits: number) =>
  console.log(`  ${name.padEnd(20)} ${ms.toFixed(digits).padStart(8)} ms  ${(ms - base >= 0 ? '+' : '') + (ms - base).toFixed(digits)} ms`);
console.log(`per command, ${COMMANDS} \`true\` through one persistent shell (median of ${runs}):`);
for (const way of ways) row(way, median(perCommand[way]), median(perCommand.bash), 3);
console.log(`shell startup to the first command's end (median of ${runs}; a one-off network command pays sandbox+network):`);
for (const way of ways) row(way, median(startup[way]), median(startup.bash), 1);
console.log(`checking that bwrap works here (once per process): ${detectMs.toFixed(1)} ms`);
