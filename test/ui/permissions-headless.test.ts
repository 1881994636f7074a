// The permission gate headless (-p, --mode json): one clear line on stderr
// per denied call, a `permission` event per denial, clean ends when every
// call is denied, plan mode, bad rules, and deny rules over --yes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { jsonLines, run, tempDir } from '../support/cli.ts';
import { workspace } from '../support/scenario.ts';
import { type ScriptedServer, type ScriptToolCall, type ScriptTurn, startScriptedServer } from '../support/scripted-server.ts';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const bash = (command: string): ScriptToolCall => ({ name: 'bash', args: { command } });

async function nanocode(args: string[], turns: ScriptTurn[]) {
  const server = await startScriptedServer(turns);
  closers.push(() => server.close());
  const ws = workspace();
  const env = { HOME: tempDir('user-home-'), OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home };
  const r = await run(args, { cwd: ws.cwd, env });
  return { ...r, server, exists: (name: string) => existsSync(join(ws.cwd, name)) };
}

const toolResults = (s: ScriptedServer, i: number): string[] => s.turnRequests()[i]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);

const HEREDOC = `touch a && cat > /etc/motd <<'EOF'\n${Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n')}\nEOF`;

it('every call denied: one stderr line per denied call (a here-document, several asking parts), the model answers, exit 0', async () => {
  const r = await nanocode(['-p', 'do it'], [{ toolCalls: [bash('git push origin main && git reset --hard'), bash(HEREDOC), bash('touch b; sudo ls')] }, { text: 'I could not.' }]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('I could not.\n');
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(3);
  for (const l of lines) expect(l).toMatch(/^nanocode: permission denied for bash: /);
  expect(lines[0]).toMatch(/`git push origin main`.*·.*`git reset --hard`/);
  expect(lines[0]).not.toContain('Do not retry');
  expect(r.exists('a') || r.exists('b')).toBe(false);
  // The model still reads everything, its instructions included.
  expect(toolResults(r.server, 1).every((t) => t.startsWith('Permission denied: ') && t.includes('Do not retry'))).toBe(true);
});

it("escape codes in a denied command reach the person's terminal as visible marks, not as commands", async () => {
  const r = await nanocode(['-p', 'do it'], [{ toolCalls: [bash('sudo echo \x1b[2J\x1b]0;pwned\x07 \r')] }, { text: 'no' }]);
  expect(r.stderr).toMatch(/^nanocode: permission denied for bash: the command `sudo echo .␛\[2J␛\]0/m);
  expect(r.stderr).not.toMatch(/[\x1b\x07\r]/);
});

it('--mode json: a permission event per denial with its reason, stderr quiet, exit 0', async () => {
  const r = await nanocode(['--mode', 'json', 'do it'], [{ toolCalls: [bash('git push origin main'), bash('sudo ls')] }, { text: 'ok' }]);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const denials = jsonLines(r.stdout).filter((e) => e.type === 'permission');
  expect(denials).toEqual([
    expect.objectContaining({ name: 'bash', decision: 'deny', reason: expect.stringContaining('git push publishes') }),
    expect.objectContaining({ name: 'bash', decision: 'deny', reason: expect.stringContaining('sudo') }),
  ]);
  expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'result', reason: 'stop', exitCode: 0 });
});

it('--permission-mode plan -p: writes and workspace commands are refused with the plan reason, reads run', async () => {
  const r = await nanocode(['--permission-mode', 'plan', '-p', 'plan it'], [{ toolCalls: [{ name: 'write', args: { path: 'w.txt', content: 'x' } }, bash('touch t'), bash('ls')] }, { text: 'planned' }]);
  expect(r.code).toBe(0);
  const [write, touch, ls] = toolResults(r.server, 1);
  expect(write).toMatch(/plan mode runs only read-only tools/);
  expect(touch).toMatch(/plan mode runs only read-only tools/);
  expect(ls).toMatch(/\[exit code 0\]$/);
  expect(r.exists('w.txt') || r.exists('t')).toBe(false);
  expect(r.stderr.match(/^nanocode: permission denied/gm)).toHaveLength(2);
  // What is said to the model stays with the model.
  expect(r.stderr).not.toContain('Do not retry');
});

it('an invalid --allow or --deny rule: exit 2, the message names the flag and the rule', async () => {
  for (const [flag, rule] of [
    ['--allow', 'Bash(git push'],
    ['--deny', 'Frob(x)'],
    ['--allow', ''],
  ]) {
    const r = await nanocode([flag, rule, '-p', 'x'], [{ text: 'unreachable' }]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag}: invalid permission rule "${rule}"`);
    expect(r.server.turnRequests()).toHaveLength(0);
  }
});

it('--deny beats --yes', async () => {
  const r = await nanocode(['--yes', '--deny', 'Bash(touch:*)', '-p', 'x'], [{ toolCalls: [bash('touch denied')] }, { text: 'ok' }]);
  expect(r.code).toBe(0);
  expect(r.exists('denied')).toBe(false);
  expect(r.stderr).toMatch(/^nanocode: permission denied for bash: the command `touch denied`\. It matches the deny rule Bash\(touch:\*\) \(--deny\); no flag overrides a deny rule\.$/m);
});
