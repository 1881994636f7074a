// The permission question in the interactive terminal, met as people and
// flaky terminals meet it: several asking calls in one turn, Esc, Ctrl-C and
// signals while it waits, typing ahead, a command taller than the terminal,
// a narrow terminal. Each dangerous command here leaves a marker file if it
// ever runs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../support/cli.ts';
import { waitUntil, workspace } from '../support/scenario.ts';
import { type ScriptedServer, type ScriptToolCall, type ScriptTurn, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

const closers: Array<() => unknown> = [];
let pane: Pane | undefined;
afterEach(async () => {
  pane?.kill();
  pane = undefined;
  await Promise.all(closers.splice(0).map((c) => c()));
});

const bash = (command: string): ScriptToolCall => ({ name: 'bash', args: { command } });
/** Asks (git push is dangerous), and leaves `name` in the workspace if it ever runs. */
const marked = (name: string) => bash(`touch ${name} && git push origin main`);

async function scene(turns: ScriptTurn[], opts: { width?: number; height?: number } = {}) {
  const server = await startScriptedServer(turns);
  closers.push(() => server.close());
  const ws = workspace();
  const env = { HOME: tempDir('user-home-'), OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home };
  pane = openPane(env, { cwd: ws.cwd, ...opts });
  await pane.waitFor('ctx ');
  return { server, ws, ran: (name: string) => existsSync(join(ws.cwd, name)) };
}

/** The tool results the model read in request i, in call order. */
const toolResults = (s: ScriptedServer, i: number): string[] => s.turnRequests()[i]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);

const QUESTION = '4. no, and tell the model what to do instead';

describe('several calls in one turn', () => {
  it('two asking calls are asked one at a time, in order; each runs only after its own yes', async () => {
    const { server, ran } = await scene([{ toolCalls: [marked('first'), marked('second')] }, { text: 'Both handled.' }]);
    pane!.submit('go');
    expect(await pane!.waitFor(QUESTION)).toContain('touch first');
    expect(pane!.screen()).not.toContain('touch second');
    pane!.type('1');
    await pane!.waitFor(/wants to run: touch second/);
    expect(ran('first')).toBe(true);
    expect(ran('second')).toBe(false);
    pane!.type('4');
    pane!.keys('Enter');
    await pane!.waitFor('Both handled.');
    expect(ran('second')).toBe(false);
    expect(toolResults(server, 1)[1]).toBe('Permission denied: the user said no.');
  });

  it('parallel reads around a secret read and a bash call: the reads run, the two questions come one at a time', async () => {
    const { server, ws, ran } = await scene([
      {
        toolCalls: [
          { name: 'read', args: { path: 'a.txt' } },
          { name: 'read', args: { path: '~/.ssh/id_rsa' } },
          { name: 'read', args: { path: 'b.txt' } },
          marked('pushed'),
        ],
      },
      { text: 'Read what I could.' },
    ]);
    pane!.submit('go');
    await pane!.waitFor(/read wants to use: .*id_rsa/);
    pane!.type('4');
    pane!.keys('Enter');
    await pane!.waitFor(/bash wants to run: touch pushed/);
    pane!.type('4');
    pane!.keys('Enter');
    await pane!.waitFor('Read what I could.');
    expect(ran('pushed')).toBe(false);
    const results = toolResults(server, 1);
    expect(results).toHaveLength(4);
    expect(results[1]).toBe('Permission denied: the user said no.');
    expect(results[3]).toBe('Permission denied: the user said no.');
    expect(readdirSync(ws.cwd)).not.toContain('pushed');
  });
});

describe('cancelling while a question waits', () => {
  for (const key of ['Escape', 'C-c'] as const) {
    it(`${key} cancels the step: the call never runs, the model is told next time, the REPL goes on`, async () => {
      const { server, ran } = await scene([{ toolCalls: [marked('x')] }, { text: 'Fine, moving on.' }]);
      pane!.submit('go');
      await pane!.waitFor(QUESTION);
      pane!.keys(key);
      await waitUntil(() => !pane!.screen().includes(QUESTION), 'the question to go');
      await waitUntil(() => /^›\s*$/m.test(pane!.screen()), 'an empty prompt');
      expect(server.turnRequests()).toHaveLength(1);
      pane!.submit('next');
      await pane!.waitFor('Fine, moving on.');
      expect(ran('x')).toBe(false);
      expect(toolResults(server, 1)[0]).toMatch(/^Permission denied: |^Not run: cancelled/);
    });
  }

  it('Ctrl-C twice at a question exits 130, and the call never ran', async () => {
    const { ran } = await scene([{ toolCalls: [marked('x')] }, { text: 'unreachable' }]);
    pane!.submit('go');
    await pane!.waitFor(QUESTION);
    pane!.keys('C-c');
    pane!.keys('C-c');
    await pane!.waitFor('EXIT:130');
    expect(ran('x')).toBe(false);
  });

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal} at a question: exit ${code} at once, the call never ran, the session records the refusal`, async () => {
      const { ws, ran } = await scene([{ toolCalls: [marked('x')] }, { text: 'unreachable' }]);
      pane!.submit('go');
      await pane!.waitFor(QUESTION);
      const started = Date.now();
      process.kill(nanocodePid(ws.home)!, signal);
      await pane!.waitFor(`EXIT:${code}`);
      // Not the 2 s grace period the signal handler gives a run that will not end.
      expect(Date.now() - started).toBeLessThan(1900);
      expect(ran('x')).toBe(false);
      expect(ws.records().at(-1)).toMatchObject({ type: 'message', message: { role: 'tool', toolName: 'bash', isError: true } });
    });
  }
});

describe('typing while a question waits', () => {
  it('typed-ahead text, digits included, neither answers the question nor is lost: it is sent as steering', async () => {
    const { server, ran } = await scene([{ toolCalls: [marked('x')] }, { text: 'Steered.' }]);
    pane!.submit('go');
    await pane!.waitFor(QUESTION);
    // Key by key, as a person types: the 3 and the 1 in it must not answer.
    for (const ch of 'also fix 3 bugs in 1 go') pane!.type(ch);
    await pane!.waitFor('also fix 3 bugs in 1 go');
    pane!.keys('Enter');
    await pane!.waitFor('1 queued');
    expect(pane!.screen()).toContain(QUESTION);
    expect(ran('x')).toBe(false);
    pane!.type('4');
    pane!.keys('Enter');
    await pane!.waitFor('Steered.');
    expect(ran('x')).toBe(false);
    expect(JSON.stringify(server.turnRequests()[1]!.body.messages)).toContain('also fix 3 bugs in 1 go');
  });

  it('a paste while a question waits goes to the prompt, not to the question', async () => {
    const { ran } = await scene([{ toolCalls: [marked('x')] }, { text: 'ok' }]);
    pane!.submit('go');
    await pane!.waitFor(QUESTION);
    pane!.paste('3');
    await pane!.waitFor(/^› 3/m);
    expect(pane!.screen()).toContain(QUESTION);
    expect(ran('x')).toBe(false);
  });
});

describe('what the question shows', () => {
  it('a here-document hundreds of lines long: the question fits the terminal, its start and the choices stay visible', async () => {
    const body = Array.from({ length: 300 }, (_, i) => `filler line ${i}`).join('\n');
    await scene([{ toolCalls: [bash(`rm -rf ~/important; cat > notes.txt <<'EOF'\n${body}\nEOF`)] }, { text: 'ok' }], { height: 30 });
    pane!.submit('go');
    const screen = await pane!.waitFor(QUESTION);
    const rows = screen.split('\n');
    const top = rows.findIndex((r) => r.includes('wants to run: rm -rf ~/important'));
    expect(top).toBeGreaterThanOrEqual(0);
    expect(rows.slice(top).join('\n')).toMatch(/lines? not shown/);
    expect(rows.slice(top).join('\n')).toContain('1. yes, once');
  });

  it('escape sequences and carriage returns in a command are shown, not obeyed', async () => {
    await scene([{ toolCalls: [bash('rm -rf ~/important \x1b[2K\r echo harmless')] }, { text: 'ok' }]);
    pane!.submit('go');
    const screen = await pane!.waitFor(QUESTION);
    expect(screen).toMatch(/wants to run: rm -rf ~\/important .*echo harmless/);
  });

  it('in a 40-column terminal the question wraps and every choice can be read', async () => {
    await scene([{ toolCalls: [marked('x')] }, { text: 'ok' }], { width: 40 });
    pane!.submit('go');
    const screen = await pane!.waitFor('4. no, and tell the model what');
    for (const row of screen.split('\n')) expect(row.length).toBeLessThanOrEqual(40);
    for (const c of ['1. yes, once', "2. yes, and don't ask again", '3. yes, always for this']) expect(screen).toContain(c);
  });
});

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
