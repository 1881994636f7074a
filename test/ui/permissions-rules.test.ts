// The answers that outlive a question, in the interactive terminal: "don't
// ask again this session" and "always for this project" (the rule written to
// .nanocode/settings.json without harming the file, and without making the
// folder look untrusted, or trusted, when it should not), and the modes.
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../support/cli.ts';
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
const QUESTION = '4. no, and tell the model what to do instead';
const TRUST = 'Do you trust the files in this folder?';

async function project(turns: ScriptTurn[], settings?: string, args = '') {
  const server = await startScriptedServer(turns);
  closers.push(() => server.close());
  const ws = workspace();
  const file = join(ws.cwd, '.nanocode/settings.json');
  if (settings !== undefined) {
    mkdirSync(join(ws.cwd, '.nanocode'));
    writeFileSync(file, settings);
  }
  const env = { HOME: tempDir('user-home-'), OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home };
  const open = async (answerTrust?: 'y' | 'n') => {
    pane?.kill();
    pane = openPane(env, { cwd: ws.cwd });
    // tmux passes the flags through the shell command line of the pane.
    if (args) throw new Error('flags are given with openPaneWith');
    if (answerTrust) {
      await pane.waitFor(TRUST);
      pane.type(answerTrust);
    }
    return pane.waitFor('/help for commands');
  };
  const ran = (name: string) => existsSync(join(ws.cwd, name));
  const trusted = () => JSON.parse(readFileSync(join(ws.home, 'trust.json'), 'utf8'))[realpathSync(ws.cwd)]?.trusted;
  return { server, ws, file, open, ran, trusted };
}

const results = (s: ScriptedServer, i: number): string[] => s.turnRequests()[i]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);

it('"don\'t ask again this session": the same kind of command then runs unasked, a different one still asks', async () => {
  const p = await project([
    { toolCalls: [bash('touch one && git push origin main')] },
    { text: 'first' },
    { toolCalls: [bash('touch two && git push origin other')] },
    { text: 'second' },
    { toolCalls: [bash('touch three && git reset --hard')] },
    { text: 'third' },
  ]);
  await p.open();
  pane!.submit('a');
  await pane!.waitFor(/2\. yes, and don't ask again this session \(Bash\(git push:\*\)\)/);
  pane!.type('2');
  await pane!.waitFor('first');
  expect(p.ran('one')).toBe(true);
  // Another push is the same kind of command: it runs without a question.
  pane!.submit('b');
  await pane!.waitFor('second');
  expect(p.ran('two')).toBe(true);
  pane!.submit('c');
  await pane!.waitFor(/wants to run: touch three && git reset --hard/);
  expect(p.ran('three')).toBe(false);
});

it('"always for this project" keeps the rest of an existing settings file, and the folder stays trusted', async () => {
  const p = await project([{ toolCalls: [bash('git push origin main')] }, { text: 'pushed' }], '{\n  "bash": { "allowEnv": ["MY_TOKEN"] },\n  "permissions": { "deny": ["Bash(rm:*)"] }\n}\n');
  await p.open('y');
  pane!.submit('push');
  await pane!.waitFor(QUESTION);
  pane!.type('3');
  await pane!.waitFor('pushed');
  expect(JSON.parse(readFileSync(p.file, 'utf8'))).toEqual({ bash: { allowEnv: ['MY_TOKEN'] }, permissions: { deny: ['Bash(rm:*)'], allow: ['Bash(git push:*)'] } });
  expect(readFileSync(p.file, 'utf8')).toMatch(/^\{\n {2}"bash"/);
  expect(p.trusted()).toBe(true);
  expect(await p.open()).not.toContain(TRUST);
});

it('"always" with a settings file that is not valid JSON: the file is left as it was, the call runs, the person is told', async () => {
  const broken = '{ "permissions": { "allow": ["Bash(ls)"], } // mine\n';
  const p = await project([{ toolCalls: [bash('touch ran && git push origin main')] }, { text: 'done' }, { toolCalls: [bash('touch again && git push origin main')] }, { text: 'done again' }], broken);
  await p.open('n');
  pane!.submit('push');
  await pane!.waitFor(QUESTION);
  pane!.type('3');
  await pane!.waitFor(/could not be saved[^]*done/);
  expect(p.ran('ran')).toBe(true);
  expect(readFileSync(p.file, 'utf8')).toBe(broken);
  // Allowed for the rest of this session all the same.
  pane!.submit('again');
  await pane!.waitFor('done again');
  expect(p.ran('again')).toBe(true);
});

it('"always" after the project\'s config changed under the session: the rule is saved, but the next start asks about trust again', async () => {
  const p = await project([{ toolCalls: [bash('git push origin main')] }, { text: 'pushed' }], '{}\n');
  await p.open('y');
  pane!.submit('push');
  await pane!.waitFor(QUESTION);
  // Say, a git pull in another terminal brings an MCP server.
  writeFileSync(join(p.ws.cwd, '.mcp.json'), '{"mcpServers":{"x":{"command":"touch","args":["pwned"]}}}');
  pane!.type('3');
  await pane!.waitFor('pushed');
  expect(JSON.parse(readFileSync(p.file, 'utf8')).permissions.allow).toEqual(['Bash(git push:*)']);
  pane!.kill();
  pane = openPaneFor(p);
  await pane.waitFor(TRUST);
});

it('Shift+Tab into plan mode, then a write: refused with the plan reason; bypassPermissions is not in the cycle without --yes', async () => {
  const p = await project([{ toolCalls: [{ name: 'write', args: { path: 'w.txt', content: 'x' } }] }, { text: 'planned' }]);
  await p.open();
  pane!.keys('BTab');
  await pane!.waitFor('⏵ acceptEdits');
  pane!.keys('BTab');
  await pane!.waitFor('⏵ plan');
  pane!.submit('write it');
  await pane!.waitFor('planned');
  expect(results(p.server, 1)[0]).toMatch(/plan mode runs only read-only tools/);
  expect(p.ran('w.txt')).toBe(false);
  pane!.keys('BTab');
  await waitUntil(() => !pane!.screen().includes('⏵'), 'back to default, past no bypassPermissions');
  pane!.submit('/mode bypassPermissions');
  await pane!.waitFor('bypassPermissions needs nanocode started with --yes');
  for (const bad of ['/mode nonsense', '/mode PLAN', '/mode plan extra']) {
    pane!.submit(bad);
    await pane!.waitFor(`No mode "${bad.slice(6)}"`);
  }
  expect(pane!.screen()).not.toContain('⏵');
});

function openPaneFor(p: { ws: { home: string; cwd: string }; server: ScriptedServer }): Pane {
  return openPane({ HOME: tempDir('user-home-'), OPENAI_API_KEY: 'k', OPENAI_BASE_URL: p.server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: p.ws.home }, { cwd: p.ws.cwd });
}
