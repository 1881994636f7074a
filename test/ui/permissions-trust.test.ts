// The trust question in the interactive terminal: only a key of its own
// answers it (text typed ahead never trusts a folder), no keeps the project's
// config out and is remembered, Ctrl-C leaves with nothing recorded, and a
// project without config of its own is never asked.
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../support/cli.ts';
import { workspace } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

const closers: Array<() => unknown> = [];
let pane: Pane | undefined;
afterEach(async () => {
  pane?.kill();
  pane = undefined;
  await Promise.all(closers.splice(0).map((c) => c()));
});

const TRUST = 'Do you trust the files in this folder?';

/** A project whose own settings would let `git push` run unasked, once trusted. */
async function project(withConfig = true) {
  const server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'touch pushed && git push origin main' } }] }, { text: 'done' }]);
  closers.push(() => server.close());
  const ws = workspace();
  if (withConfig) {
    mkdirSync(join(ws.cwd, '.nanocode'));
    writeFileSync(join(ws.cwd, '.nanocode/settings.json'), '{"permissions":{"allow":["Bash(touch:*)","Bash(git push:*)"]}}\n');
  }
  const env = { HOME: tempDir('user-home-'), OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: ws.home };
  const open = () => (pane = openPane(env, { cwd: ws.cwd }));
  const trust = () => {
    const file = join(ws.home, 'trust.json');
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8'))[realpathSync(ws.cwd)] : undefined;
  };
  return { server, ws, open, trust };
}

const asked = (s: ScriptedServer) => s.turnRequests().length;

it('text typed ahead of the trust question does not answer it, even when it starts with y', async () => {
  const p = await project();
  p.open();
  await pane!.waitFor(TRUST);
  pane!.type('yes, fix the failing test');
  pane!.keys('Enter');
  // Had the typed text answered, this n would land in the prompt instead.
  pane!.type('n');
  const screen = await pane!.waitFor('/help for commands');
  expect(p.trust()).toMatchObject({ trusted: false });
  expect(screen).toMatch(/\(y\/N\) no\n/);
});

it('no: the project rules do not apply (its push asks), and the answer is remembered', async () => {
  const p = await project();
  p.open();
  await pane!.waitFor(TRUST);
  pane!.type('n');
  await pane!.waitFor('/help for commands');
  pane!.submit('push');
  await pane!.waitFor('wants to run: touch pushed');
  expect(existsSync(join(p.ws.cwd, 'pushed'))).toBe(false);
  pane!.keys('Escape');
  pane!.submit('/quit');
  await pane!.waitFor('EXIT:');
  pane!.kill();
  p.open();
  expect(await pane!.waitFor('/help for commands')).not.toContain(TRUST);
  expect(asked(p.server)).toBe(1);
});

it('Ctrl-C at the trust question leaves nanocode (130) and records nothing', async () => {
  const p = await project();
  p.open();
  await pane!.waitFor(TRUST);
  pane!.keys('C-c');
  await pane!.waitFor('EXIT:130');
  expect(p.trust()).toBeUndefined();
});

it('a project with no config of its own is never asked about', async () => {
  const p = await project(false);
  p.open();
  expect(await pane!.waitFor('/help for commands')).not.toContain(TRUST);
  expect(p.trust()).toBeUndefined();
});

it('yes: the REPL that follows takes input, and the project rules apply (its push runs unasked)', async () => {
  const p = await project();
  p.open();
  await pane!.waitFor(TRUST);
  pane!.type('y');
  await pane!.waitFor('/help for commands');
  pane!.submit('push');
  await pane!.waitFor('done');
  expect(existsSync(join(p.ws.cwd, 'pushed'))).toBe(true);
  expect(p.trust()).toMatchObject({ trusted: true });
});
