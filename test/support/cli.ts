// Runs the built nanocode binary as a user would: a real process, a temporary
// HOME and TMPDIR, and only the environment the test gives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { killPids, pidsWithEnv } from './processes.ts';

export const BIN = resolve(import.meta.dirname, '../../dist/nanocode.js');

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: string;
  timeoutMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Under the test run's root (removed when the run ends). */
export function tempDir(prefix = 'nanocode-test-'): string {
  return mkdtempSync(join(process.env.NANOCODE_TEST_TMP ?? tmpdir(), prefix));
}

/**
 * The environment a test run starts from: no keys or base URLs of the
 * developer's. Its own TMPDIR keeps spilled output and job files inside the
 * run's root, and marks every process started with it (see `killAfterwards`).
 */
export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tempDir('nanocode-home-'),
    TMPDIR: tempDir('nanocode-tmp-'),
    LANG: 'C.UTF-8',
    NANOCODE_RETRY_BASE_MS: '20',
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

// What a test started (the binary, its shells, their commands) is killed after
// it, passed or failed, once its own checks (that nothing is left, say) have
// run; what a file started outside its tests (in beforeAll) after the file.
const startedInTest: NodeJS.ProcessEnv[] = [];
const startedInFile: NodeJS.ProcessEnv[] = [];
let inTest = false;
beforeEach(() => {
  inTest = true;
});
afterEach(() => {
  inTest = false;
  killStartedWith(startedInTest.splice(0));
});
afterAll(() => killStartedWith(startedInFile.splice(0)));

/** Every process started with this environment (from baseEnv) is killed after the test, or the file. */
export function killAfterwards(env: NodeJS.ProcessEnv): void {
  (inTest ? startedInTest : startedInFile).push(env);
}

function killStartedWith(envs: NodeJS.ProcessEnv[]): void {
  const marks = new Set(envs.map((e) => `TMPDIR=${e.TMPDIR}`));
  if (marks.size) killPids(pidsWithEnv((entry) => marks.has(entry)));
}

export function start(args: string[], opts: RunOptions = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const env = baseEnv(opts.env);
  killAfterwards(env);
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? tempDir(),
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  else child.stdin!.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  const done = new Promise<RunResult>((resolveDone) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveDone({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return start(args, opts).done;
}

/** Parses --mode json output into events. */
export function jsonLines(stdout: string): any[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}
