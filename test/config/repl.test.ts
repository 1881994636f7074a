// The interactive terminal takes SHOW_THINKING and NO_COLOR from the
// configuration, whether they are set in the environment or in .env.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane, tmux } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
afterEach(async () => {
  pane?.kill();
  await server?.close();
});

const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' });
const ESC = '\x1b[';

/** Asks one question; the screen once answered, with its colour codes. */
async function answered(p: Pane): Promise<string> {
  await p.waitFor('/help for commands');
  p.submit('think first');
  await p.waitFor('The answer.');
  return tmux('capture-pane', '-t', p.name, '-p', '-e', '-S', '-200');
}

it('shows the thinking in colour by default; SHOW_THINKING=0 hides it and NO_COLOR in .env turns colours off', async () => {
  server = await startScriptedServer([
    { reasoning: 'pondering the orb', text: 'The answer.' },
    { reasoning: 'pondering the orb', text: 'The answer.' },
  ]);
  pane = openPane(env(server));
  const usual = await answered(pane);
  expect(usual).toContain('pondering the orb');
  expect(usual).toContain(ESC);
  pane.kill();

  const cwd = tempDir();
  writeFileSync(join(cwd, '.env'), 'NO_COLOR=1\n');
  pane = openPane({ ...env(server), SHOW_THINKING: '0' }, { cwd });
  const quiet = await answered(pane);
  expect(quiet).not.toContain('pondering the orb');
  expect(quiet).not.toContain(ESC);
});
