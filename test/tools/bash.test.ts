import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandEnv } from '../../src/safety/secrets.ts';
import { bashTool } from '../../src/tools/bash.ts';
import { tempDir } from '../support/cli.ts';
import { expectGone, killAll, uniqueName } from '../support/scenario.ts';
import { text, toolContext } from '../support/tool-context.ts';

const alive = (name: string) => spawnSync('pgrep', ['-f', `^${name} `]).status === 0;

/** Markers for `exec -a` (as `<marker>-fg`, `-bg`, ...), killed after each test even when it fails. */
const names: string[] = [];
const marked = (label: string) => {
  const name = uniqueName(label);
  names.push(name);
  return name;
};
afterEach(() => {
  for (const name of names.splice(0)) for (const suffix of ['', '-fg', '-bg', '-job', '-kid']) killAll(`${name}${suffix}`);
});

describe('bash', () => {
  it('reports output and the exit code; a failing command is an error result', async () => {
    const ctx = toolContext(tempDir());
    expect(await bashTool.execute({ command: 'echo out; echo err >&2' }, ctx)).toMatchObject({
      content: 'out\nerr\n[exit code 0]',
      isError: false,
      details: { kind: 'bash', exitCode: 0, lines: 2, truncated: false },
    });
    expect(await bashTool.execute({ command: 'exit 3' }, ctx)).toMatchObject({ content: '(no output)\n[exit code 3]', isError: true, details: { exitCode: 3, lines: 0 } });
  });

  it('streams output live to the frontends', async () => {
    const ctx = toolContext(tempDir());
    await bashTool.execute({ command: 'echo one; sleep 0.3; echo two' }, ctx);
    expect(ctx.output.join('')).toBe('one\ntwo\n');
    expect(ctx.output.length).toBeGreaterThanOrEqual(2);
  });

  it('carries a cd over to the next call', async () => {
    const dir = tempDir();
    const ctx = toolContext(dir);
    await bashTool.execute({ command: 'mkdir -p sub/deeper && cd sub/deeper' }, ctx);
    expect(text(await bashTool.execute({ command: 'pwd' }, ctx))).toBe(`${dir}/sub/deeper\n[exit code 0]`);
  });

  it('gives a command that reads stdin an immediate end of file', async () => {
    const ctx = toolContext(tempDir());
    const started = Date.now();
    expect(text(await bashTool.execute({ command: 'read line; echo "got:[$line] status:$?"' }, ctx))).toBe('got:[] status:1\n[exit code 0]');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('kills the whole process group on timeout, background children included', async () => {
    const marker = marked('timeout');
    const ctx = toolContext(tempDir());
    const started = Date.now();
    const r = await bashTool.execute({ command: `(exec -a ${marker}-bg sleep 1000) & echo started; exec -a ${marker}-fg sleep 1000`, timeout: 1 }, ctx);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r).toMatchObject({ content: 'started\n[killed: timed out after 1 s]', isError: true, details: { exitCode: null, killed: 'timeout', lines: 1 } });
    expect((r.details as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(1000);
    expect(alive(`${marker}-fg`)).toBe(false);
    expect(alive(`${marker}-bg`)).toBe(false);
  });

  it('stops background processes when the command ends', async () => {
    const marker = marked('bg');
    const ctx = toolContext(tempDir());
    const r = await bashTool.execute({ command: `(exec -a ${marker} sleep 1000) & echo done` }, ctx);
    expect(text(r)).toBe('done\n[exit code 0]');
    expect(alive(marker)).toBe(false);
  });

  it("kills a background job's children with it when the command ends", async () => {
    const marker = marked('bgkid');
    const ctx = toolContext(tempDir());
    const r = await bashTool.execute({ command: `(bash -c "exec -a ${marker}-kid sleep 1000" & exec -a ${marker}-job sleep 1000) & sleep 0.2; echo done` }, ctx);
    expect(text(r)).toBe('done\n[exit code 0]');
    // SIGKILLed at the end of the command: gone as soon as the kernel gets to them.
    await expectGone(`${marker}-job`);
    await expectGone(`${marker}-kid`);
  });

  it('kills jobs a command moved to process groups of their own (set -m), when it ends and on timeout', async () => {
    const marker = marked('jobctl');
    const ctx = toolContext(tempDir());
    const r = await bashTool.execute({ command: `set -m; (exec -a ${marker}-job sleep 1000) & echo done` }, ctx);
    expect(text(r)).toBe('done\n[exit code 0]');
    await expectGone(`${marker}-job`);
    // Job control is still on: the foreground command has a group of its own too.
    const t = await bashTool.execute({ command: `(exec -a ${marker}-bg sleep 1000) & (exec -a ${marker}-fg sleep 1000)`, timeout: 1 }, ctx);
    expect(text(t)).toContain('[killed: timed out after 1 s]');
    await expectGone(`${marker}-bg`);
    await expectGone(`${marker}-fg`);
  });

  it('keeps its completion marker out of reach: fd 3 is closed in the command and look-alike output does not end it', async () => {
    const ctx = toolContext(tempDir());
    const r = await bashTool.execute({ command: `{ true >&3; } 2>/dev/null && echo fd3-open || echo fd3-closed; printf '\\036NC0123=0\\037/\\036'; sleep 0.2; echo still-running` }, ctx);
    expect(text(r)).toBe('fd3-closed\n\x1eNC0123=0\x1f/\x1estill-running\n[exit code 0]');
  });

  it('reports the status of a command that ends the shell, and runs the next one in a fresh shell in the same folder', async () => {
    const dir = tempDir();
    const ctx = toolContext(dir);
    await bashTool.execute({ command: 'mkdir -p sub && cd sub' }, ctx);
    expect(await bashTool.execute({ command: 'echo bye; exit 3' }, ctx)).toMatchObject({ content: 'bye\n[exit code 3]', isError: true, details: { exitCode: 3 } });
    expect(text(await bashTool.execute({ command: 'pwd' }, ctx))).toBe(`${dir}/sub\n[exit code 0]`);
  });

  it('starts a fresh shell in the nearest existing folder when the last one was deleted', async () => {
    const dir = tempDir();
    const ctx = toolContext(dir);
    await bashTool.execute({ command: 'mkdir -p gone/deeper && cd gone/deeper' }, ctx);
    expect(text(await bashTool.execute({ command: 'rm -rf ../../gone; exit 0' }, ctx))).toBe('(no output)\n[exit code 0]');
    expect(text(await bashTool.execute({ command: 'pwd' }, ctx))).toBe(`${dir}\n[exit code 0]`);
  });

  it('adds one exit listener for all shells, not one per shell', async () => {
    const before = process.listenerCount('exit');
    for (let i = 0; i < 5; i++) await bashTool.execute({ command: 'true' }, toolContext(tempDir()));
    expect(process.listenerCount('exit') - before).toBeLessThanOrEqual(1);
  });

  it('cuts output to 8000 bytes, keeping head and tail, with the full output in a log file', async () => {
    const ctx = toolContext(tempDir());
    const result = await bashTool.execute({ command: 'seq 1 20000' }, ctx);
    const r = text(result);
    const m = /\n\[\.\.\. (\d+) bytes omitted; full output in (\/\S+\.log)\]\n/.exec(r)!;
    expect(m).not.toBeNull();
    // Every line is counted, not only the ones the model got.
    expect(result.details).toEqual({ kind: 'bash', exitCode: 0, durationMs: expect.any(Number), lines: 20000, truncated: true, fullOutputPath: m[2] });
    expect(r.startsWith('1\n2\n3\n')).toBe(true);
    expect(r.endsWith('19999\n20000\n[exit code 0]')).toBe(true);
    const full = execFileSync('seq', ['1', '20000'], { encoding: 'utf8' });
    expect(readFileSync(m[2], 'utf8')).toBe(full);
    expect(Buffer.byteLength(r.slice(0, m.index)) + Buffer.byteLength(r.slice(m.index + m[0].length).replace('\n[exit code 0]', ''))).toBeLessThanOrEqual(8000);
    expect(Number(m[1])).toBe(Buffer.byteLength(full) - 8000);
  });

  it('keeps memory bounded on 1 GB of output', { timeout: 120_000 }, async () => {
    const script = `
      import { bashTool } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/tools/bash.ts'))};
      let live = 0;
      const r = await bashTool.execute({ command: 'yes | head -c 1G' }, { cwd: '/tmp', env: process.env, redact: (t) => t, state: { seen: new Map() }, signal: new AbortController().signal, onOutput(c) { live += c.length; } });
      console.log(JSON.stringify({ content: r.content, lines: r.details.lines, live, rss: process.resourceUsage().maxRSS }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: resolve(import.meta.dirname, '../..') });
    expect(child.stderr).toBe('');
    const { content, lines, live, rss } = JSON.parse(child.stdout);
    expect(lines).toBe(2 ** 29); // 1 GB of "y\n"
    expect(content).toMatch(/\[\.\.\. 1073733824 bytes omitted; the first 104857600 bytes of the output are in \S+ \(saved output is limited to 100 MB\)\]/);
    expect(content.endsWith('y\n[exit code 0]')).toBe(true);
    expect(live).toBeLessThan(10 * 1024 * 1024); // live updates are rate-limited too
    expect(rss / 1024).toBeLessThan(200); // MB: Node and zod take about 80, garbage-collection lag about 60; the output is 1,024
    // The saved copy stops at the bound, and goes when the process ends.
    const log = /output are in (\S+) /.exec(content)![1];
    expect((await import('node:fs')).existsSync(log)).toBe(false);
  });

  it('keeps secret-looking variables out of commands unless allowed', async () => {
    const env = { PATH: process.env.PATH, MY_API_KEY: 'k', GH_TOKEN: 't', DB_PASSWORD: 'p', AWS_SECRET_ACCESS_KEY: 's', PLAIN: 'visible' };
    const ctx = toolContext(tempDir(), { env: commandEnv(env, ['GH_TOKEN']) });
    const r = text(await bashTool.execute({ command: 'echo "${MY_API_KEY:-none} ${GH_TOKEN:-none} ${DB_PASSWORD:-none} ${AWS_SECRET_ACCESS_KEY:-none} $PLAIN"' }, ctx));
    expect(r).toBe('none t none none visible\n[exit code 0]');
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    const ctx = toolContext(tempDir(), { signal: controller.signal });
    // Cancel once the command has visibly begun: a fixed timer could beat its output.
    ctx.onOutput = (chunk) => void (chunk.includes('begun') && controller.abort());
    const started = Date.now();
    const r = await bashTool.execute({ command: 'echo begun; sleep 30' }, ctx);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r).toMatchObject({ content: 'begun\n[killed: cancelled by the user]', isError: true, details: { exitCode: null, killed: 'abort' } });
  });
});
