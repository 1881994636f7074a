// The permission flow in the interactive terminal (tmux): /mode typed while a
// question waits, and /permissions in a narrow terminal.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
afterEach(async () => {
  pane?.kill();
  pane = undefined;
  await server?.close();
});

const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: tempDir('nanocode-home-') });

it('/mode plan typed while a question waits: a yes afterwards does not run the call', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'touch ran; sudo -n true' } }] }, { text: 'Stopped.' }]);
  pane = openPane(env(server), { cwd });
  await pane.waitFor('/help for commands');
  pane.submit('go');
  await pane.waitFor('1. yes, once');
  // The prompt holds text, so Enter submits it rather than answering.
  pane.submit('/mode plan');
  await pane.waitFor(/● plan +read-only/);
  pane.type('1');
  await pane.waitFor('Stopped.');
  expect(existsSync(join(cwd, 'ran'))).toBe(false);
  expect(server.turnRequests()[1]!.body.messages.at(-1).content).toMatch(/^Permission denied: .*plan mode/);
});

it('/mode bypassPermissions without --yes is refused and the mode stays', async () => {
  server = await startScriptedServer([]);
  pane = openPane(env(server), { cwd: tempDir() });
  await pane.waitFor('/help for commands');
  pane.submit('/mode bypassPermissions');
  await pane.waitFor('bypassPermissions needs nanocode started with --yes');
  pane.submit('/mode');
  await pane.waitFor(/● default +asks/);
});
