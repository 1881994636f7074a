// Signals and processes: SIGTERM, SIGHUP and a closed terminal end nanocode
// as Ctrl-C does (everything it started is killed, the session keeps how the
// run ended, exit 128 + n); a finished command leaves nothing running; a
// command that redirects or closes the shell's output still finishes.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, baseEnv, jsonLines, start, tempDir } from '../support/cli.ts';
import { expectGone, killAll, pidsOf, uniqueName, waitUntil, type Workspace, workspace } from '../support/scenario.ts';
import { type ScriptedServer, type ScriptTurn, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
const names: string[] = [];
const pids: number[] = [];

afterEach(async () => {
  pane?.kill();
  pane = undefined;
  for (const name of names.splice(0)) killAll(name);
  for (const pid of pids.splice(0)) kill(pid);
  await server?.close();
  server = undefined;
});

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** A name for `exec -a`, cleaned up after the test whatever happens. */
function marked(label: string): string {
  const name = uniqueName(label);
  names.push(name);
  return name;
}

/** Alive and not a zombie (an exited child of a parent that has not reaped it yet). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The nanocode process whose NANOCODE_HOME is `home` (the REPL runs inside tmux). */
function nanocodePid(home: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(BIN)) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`NANOCODE_HOME=${home}`)) return pid;
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return undefined;
}

const bash = (command: string, timeout?: number): ScriptTurn => ({ toolCalls: [{ name: 'bash', args: { command, ...(timeout && { timeout }) } }] });

/** A command holding a foreground sleep, a background job, and a background job's child. */
function busyCommand(fg: string, bg: string, kid: string): string {
  return `(exec -a ${bg} sleep 1000) & (bash -c "exec -a ${kid} sleep 1000" & wait) & exec -a ${fg} sleep 1000`;
}

async function headless(ws: Workspace, args: string[]) {
  return start(args, { cwd: ws.cwd, env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server!.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home } });
}

/** The last session record: the cancelled command's result. */
function expectCancelledResultRecorded(ws: Workspace): void {
  const last = ws.records().at(-1);
  expect(last).toMatchObject({ type: 'message', message: { role: 'tool', toolName: 'bash', isError: true } });
  expect(last.message.content).toContain('[killed: cancelled by the user]');
}

describe('signals end nanocode as Ctrl-C does', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal} during a command kills the shell, the command and its background jobs, records the session, exit ${code}`, async () => {
      const [fg, bg, kid] = [marked('fg'), marked('bg'), marked('kid')];
      server = await startScriptedServer([bash('echo warm'), bash(busyCommand(fg, bg, kid)), { text: 'unreachable' }]);
      const ws = workspace();
      const { child, done } = await headless(ws, ['run it']);
      if (child.pid) pids.push(child.pid);
      await waitUntil(() => [fg, bg, kid].every((n) => pidsOf(n).length === 1), 'the command and its jobs to run');

      child.kill(signal);
      const r = await done;
      expect(r.code).toBe(code);
      expect(r.stderr).toBe(`nanocode: stopped by ${signal}\n`);
      expect(r.stdout).toBe('');
      for (const name of [fg, bg, kid]) await expectGone(name);
      expectCancelledResultRecorded(ws);
      expect(server.turnRequests()).toHaveLength(2);
    });
  }

  it('SIGTERM while waiting for the model cancels the request, kills the idle shell of an earlier command, exit 143', async () => {
    server = await startScriptedServer([bash('echo $$ > shell.pid'), { text: 'never finished', chunkDelayMs: 60_000 }]);
    const ws = workspace();
    // Outside the sandbox: inside it, $$ is the shell's PID in a namespace of its own.
    const { child, done } = await headless(ws, ['--sandbox', 'off', 'run it']);
    await waitUntil(() => server!.turnRequests().length === 2, 'the second model request');
    const shell = Number(readFileSync(join(ws.cwd, 'shell.pid'), 'utf8'));
    pids.push(shell);
    expect(alive(shell)).toBe(true);

    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(r.stderr).toBe('nanocode: stopped by SIGTERM\n');
    await waitUntil(() => !alive(shell), 'the idle shell to die');
    // The session ends with the command's result; the cancelled answer is not recorded.
    expect(ws.records().at(-1)).toMatchObject({ type: 'message', message: { role: 'tool', content: '(no output)\n[exit code 0]' } });
  });

  it('SIGTERM before a task has arrived (nanocode still reading stdin) exits 143 at once', async () => {
    const child = spawn(process.execPath, [BIN], { cwd: tempDir(), env: baseEnv({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', NANOCODE_MODEL: 'scripted-model' }), stdio: ['pipe', 'pipe', 'pipe'] });
    if (child.pid) pids.push(child.pid);
    const exited = new Promise<[number | null, string | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    // Past a pipe's capacity, the write completes only once nanocode is reading stdin: its handlers are in place.
    await new Promise((resolve) => child.stdin!.write('x'.repeat(1 << 20), resolve));
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([143, null]);
    expect(stderr).toBe('');
  });

  it('SIGTERM in --mode json ends with an aborted result line carrying exit code 143', async () => {
    const fg = marked('fg');
    server = await startScriptedServer([bash(`exec -a ${fg} sleep 1000`), { text: 'unreachable' }]);
    const ws = workspace();
    const { child, done } = await headless(ws, ['--mode', 'json', 'run it']);
    await waitUntil(() => pidsOf(fg).length === 1, 'the command to run');
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'result', reason: 'aborted', exitCode: 143 });
    await expectGone(fg);
    expectCancelledResultRecorded(ws);
  });

  it('a second SIGTERM while the first is being handled still exits 143 and leaves nothing behind', async () => {
    const [fg, bg, kid] = [marked('fg'), marked('bg'), marked('kid')];
    server = await startScriptedServer([bash(busyCommand(fg, bg, kid)), { text: 'unreachable' }]);
    const ws = workspace();
    const { child, done } = await headless(ws, ['run it']);
    await waitUntil(() => [fg, bg, kid].every((n) => pidsOf(n).length === 1), 'the command and its jobs to run');
    child.kill('SIGTERM');
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    for (const name of [fg, bg, kid]) await expectGone(name);
  });

  it('SIGTERM in the REPL during a command: the processes die, the session keeps the result, exit 143', async () => {
    const [fg, bg, kid] = [marked('fg'), marked('bg'), marked('kid')];
    server = await startScriptedServer([bash(busyCommand(fg, bg, kid)), { text: 'unreachable' }]);
    const ws = workspace();
    pane = openPane({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server!.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home }, { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    pane.submit('run it');
    await waitUntil(() => [fg, bg, kid].every((n) => pidsOf(n).length === 1), 'the command and its jobs to run');
    const pid = nanocodePid(ws.home)!;
    expect(pid).toBeDefined();
    pids.push(pid);

    process.kill(pid, 'SIGTERM');
    const screen = await pane.waitFor('EXIT:');
    expect(screen).toContain('EXIT:143');
    expect(screen).toContain('killed: cancelled by the user');
    for (const name of [fg, bg, kid]) await expectGone(name);
    expectCancelledResultRecorded(ws);
  });

  it('SIGTERM in an idle REPL ends it cleanly and kills the shell an earlier command left waiting, exit 143', async () => {
    server = await startScriptedServer([bash('echo $$ > shell.pid'), { text: 'Noted the shell.' }]);
    const ws = workspace();
    // Outside the sandbox: inside it, $$ is the shell's PID in a namespace of its own.
    writeFileSync(join(ws.home, 'settings.json'), '{"sandbox":{"enabled":false}}');
    pane = openPane({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server!.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home }, { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    pane.submit('note the shell');
    await pane.waitFor('Noted the shell.');
    const shell = Number(readFileSync(join(ws.cwd, 'shell.pid'), 'utf8'));
    pids.push(shell);
    expect(alive(shell)).toBe(true);
    const pid = nanocodePid(ws.home)!;
    pids.push(pid);

    process.kill(pid, 'SIGTERM');
    const screen = await pane.waitFor('EXIT:');
    expect(screen).toContain('EXIT:143');
    // The REPL ended itself: its prompt and status line were cleared.
    expect(screen).toContain('Noted the shell.');
    expect(screen).not.toContain('ctx ');
    await waitUntil(() => !alive(shell), 'the idle shell to die');
    expect(ws.records().at(-1)).toMatchObject({ type: 'message', message: { role: 'assistant' } });
  });

  it('closing the terminal during a command kills every process it started and keeps the session', async () => {
    const [fg, bg, kid] = [marked('fg'), marked('bg'), marked('kid')];
    server = await startScriptedServer([bash(busyCommand(fg, bg, kid)), { text: 'unreachable' }]);
    const ws = workspace();
    pane = openPane({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server!.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home }, { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    pane.submit('run it');
    await waitUntil(() => [fg, bg, kid].every((n) => pidsOf(n).length === 1), 'the command and its jobs to run');
    const pid = nanocodePid(ws.home)!;
    pids.push(pid);

    pane.kill(); // the terminal goes away: nanocode gets SIGHUP
    pane = undefined;
    await waitUntil(() => !alive(pid), 'nanocode to exit');
    for (const name of [fg, bg, kid]) await expectGone(name);
    expectCancelledResultRecorded(ws);
  });
});

describe("a finished command's processes", () => {
  it('background jobs, their children and orphans are killed when the command ends; nothing reaches the next output', async () => {
    const [job, child, orphan, nohup] = [marked('job'), marked('child'), marked('orphan'), marked('nohup')];
    const first = [
      // A job whose child outlives a kill of the job alone, and writes late.
      `(bash -c 'sleep 0.5; echo LATE-CHILD; exec -a ${child} sleep 1000' & exec -a ${job} sleep 1000) &`,
      // A foreground command that leaves an orphan behind (no setsid).
      `bash -c "(sleep 0.5; echo LATE-ORPHAN; exec -a ${orphan} sleep 1000) &"`,
      `nohup bash -c "exec -a ${nohup} sleep 1000" > /dev/null 2>&1 &`,
      'echo first done',
    ].join('\n');
    const probe = `sleep 1; pgrep -f '^(${[job, child, orphan, nohup].join('|')})( |$)' || echo none left`;
    server = await startScriptedServer([bash(first), bash(probe), { text: 'ok' }]);
    const ws = workspace();
    const { done } = await headless(ws, ['--mode', 'json', 'run it']);
    const r = await done;
    expect(r.code).toBe(0);
    const results = jsonLines(r.stdout).filter((e) => e.type === 'tool_result');
    expect(results.map((e) => e.content)).toEqual(['first done\n[exit code 0]', 'none left\n[exit code 0]']);
    for (const name of [job, child, orphan, nohup]) await expectGone(name);
  });
});

describe("a command that redirects or closes the shell's output", () => {
  for (const command of ['exec >/dev/null; echo hidden', 'exec 1>&-; echo gone 2>/dev/null', 'exec 2>&1 >out.txt; echo to-file', 'exec 3>&-; echo three', 'exec 2>&-; exec 1>&-; exec 0<&-']) {
    it(`finishes normally, the shell lives on and the next command's output is intact: ${command}`, async () => {
      // The variable shows the same shell ran both commands (no restart).
      server = await startScriptedServer([bash(`kept=yes; ${command}`, 20), bash('echo "next ${kept:-lost}"; echo err >&2', 20), { text: 'ok' }]);
      const ws = workspace();
      const r = await (await headless(ws, ['--mode', 'json', 'run it'])).done;
      expect(r.code).toBe(0);
      const [first, next] = jsonLines(r.stdout).filter((e) => e.type === 'tool_result');
      expect(first.content).toMatch(/\[exit code \d+\]$/);
      expect(first.content).not.toContain('killed');
      expect(next.content).toBe('next yes\nerr\n[exit code 0]');
    });
  }
});
