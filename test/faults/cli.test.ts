// The command line under wrong input: a working folder that is not one, a
// prompt file that is not there, and errors in --mode json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, run, tempDir } from '../support/cli.ts';
import { workspace } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that answers anything; the scenarios check it was never asked. */
async function env(home: string, extra: Record<string, string> = {}) {
  server = await startScriptedServer([{ text: 'answered' }]);
  return { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server!.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: home, ...extra };
}

it('--help names the exit codes of SIGTERM and SIGHUP', async () => {
  const r = await run(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('143 terminated (SIGTERM), 129 hung up (SIGHUP, the terminal closed)');
});

describe('--cwd', () => {
  it('of a missing folder: exit 2 with a clear message, nothing asked, no session', async () => {
    const ws = workspace();
    const missing = join(ws.cwd, 'no-such-folder');
    const r = await run(['--cwd', missing, 'task'], { cwd: ws.cwd, env: await env(ws.home) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nanocode: --cwd ${missing}: no such folder\n`);
    expect(r.stdout).toBe('');
    expect(server!.turnRequests()).toHaveLength(0);
    expect(ws.sessionFiles()).toEqual([]);
  });

  it('of a file: exit 2 with a clear message, nothing asked, no session', async () => {
    const ws = workspace();
    const file = join(ws.cwd, 'a-file.txt');
    writeFileSync(file, 'not a folder\n');
    const r = await run(['--cwd', file, 'task'], { cwd: ws.cwd, env: await env(ws.home) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nanocode: --cwd ${file}: not a folder\n`);
    expect(server!.turnRequests()).toHaveLength(0);
    expect(ws.sessionFiles()).toEqual([]);
  });

  it('from a JSON task on stdin that names a missing folder: exit 2', async () => {
    const ws = workspace();
    const missing = join(ws.cwd, 'gone');
    const r = await run([], { cwd: ws.cwd, env: await env(ws.home), stdin: JSON.stringify({ prompt: 'task', cwd: missing }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`nanocode: cwd ${missing}: no such folder\n`);
    expect(server!.turnRequests()).toHaveLength(0);
  });
});

describe('--system-prompt and --append-system-prompt', () => {
  for (const flag of ['--system-prompt', '--append-system-prompt']) {
    for (const value of ['./prompt.md', '../prompts/review', '/no/such/prompt', '~/prompts/mine', 'notes.md', 'rules.txt']) {
      it(`${flag} ${value} that does not exist: exit 2 naming it, instead of using the path as the prompt`, async () => {
        const ws = workspace();
        const r = await run([flag, value, 'task'], { cwd: ws.cwd, env: await env(ws.home) });
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`nanocode: ${flag} ${value}: no such file\nTry nanocode --help.\n`);
        expect(server!.turnRequests()).toHaveLength(0);
        expect(ws.sessionFiles()).toEqual([]);
      });
    }
  }

  it('a path to a folder: exit 2', async () => {
    const ws = workspace();
    mkdirSync(join(ws.cwd, 'prompts'));
    const r = await run(['--system-prompt', './prompts', 'task'], { cwd: ws.cwd, env: await env(ws.home) });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nanocode: --system-prompt ./prompts: a folder, not a file\nTry nanocode --help.\n');
  });

  it('an existing file, also under ~/, is read; plain words stay the prompt', async () => {
    const ws = workspace();
    const home = tempDir('nanocode-user-');
    mkdirSync(join(home, 'prompts'));
    writeFileSync(join(home, 'prompts', 'pirate.md'), 'You are a pirate.');
    writeFileSync(join(ws.cwd, 'extra.txt'), 'Say arr.');
    const e = await env(ws.home, { HOME: home });
    server!.push({ text: 'again' });
    expect((await run(['--system-prompt', '~/prompts/pirate.md', '--append-system-prompt', 'extra.txt', 'task'], { cwd: ws.cwd, env: e })).code).toBe(0);
    expect((await run(['--append-system-prompt', 'Answer in French.', 'task'], { cwd: ws.cwd, env: e })).code).toBe(0);
    const [files, words] = server!.turnRequests().map((r) => r.body.messages[0].content);
    expect(files).toMatch(/^You are a pirate\./);
    expect(files).toMatch(/Say arr\.$/);
    expect(words).toMatch(/Answer in French\.$/);
  });
});

describe('--mode json errors', () => {
  it('a provider error goes to stderr too, and the result line carries its message', async () => {
    const ws = workspace();
    server = await startScriptedServer([{ fault: { kind: 'status', status: 400, message: 'scripted bad request' } }]);
    const r = await run(['--mode', 'json', 'task'], { cwd: ws.cwd, env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server!.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nanocode: .*scripted bad request.*\n$/);
    const events = jsonLines(r.stdout);
    const error = events.find((e) => e.type === 'error');
    expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'error', exitCode: 1, error: error.message });
    expect(error.message).toContain('scripted bad request');
  });

  it('the max-turns stop is an error on stderr and in the result line', async () => {
    const ws = workspace();
    server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'true' } }] }]);
    const r = await run(['--mode', 'json', '--max-turns', '1', 'task'], { cwd: ws.cwd, env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server!.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('nanocode: Stopped: reached the limit of 1 turns (--max-turns).\n');
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'result', reason: 'max_turns', error: 'Stopped: reached the limit of 1 turns (--max-turns).' });
  });

  it('a run that succeeds has no error in its result line and nothing on stderr', async () => {
    const ws = workspace();
    const r = await run(['--mode', 'json', 'task'], { cwd: ws.cwd, env: await env(ws.home) });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const result = jsonLines(r.stdout).at(-1);
    expect(result).toMatchObject({ type: 'result', reason: 'stop', text: 'answered' });
    expect(result).not.toHaveProperty('error');
  });
});
