// Configuration through the built binary: a bad value stops nanocode before
// any request, naming the variable; .env fills in what the environment leaves
// unset, and nothing more.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { projectSlug } from '../../src/session/records.ts';
import { run, tempDir } from '../support/cli.ts';
import { workspace } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const env = (s: ScriptedServer, home: string) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: home });

it('exits 2 naming NANOCODE_STREAM_IDLE_TIMEOUT_MS when it is not a number, before any request', async () => {
  server = await startScriptedServer([{ text: 'never sent' }]);
  const ws = workspace();
  const r = await run(['question'], { cwd: ws.cwd, env: { ...env(server, ws.home), NANOCODE_STREAM_IDLE_TIMEOUT_MS: 'abc' } });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe('nanocode: NANOCODE_STREAM_IDLE_TIMEOUT_MS must be a whole number of milliseconds, not "abc"\n');
  expect(server.requests).toEqual([]);
  expect(ws.sessionFiles()).toEqual([]);
});

it('says when the bad value is in .env', async () => {
  server = await startScriptedServer([{ text: 'never sent' }]);
  const ws = workspace();
  writeFileSync(join(ws.cwd, '.env'), 'NANOCODE_COMPACTION_REMAINING_RATIO=15%\n');
  const r = await run(['question'], { cwd: ws.cwd, env: env(server, ws.home) });
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('nanocode: NANOCODE_COMPACTION_REMAINING_RATIO (in .env) must be a number from 0 to below 1, such as 0.15, not "15%"\n');
});

it('takes from .env what the environment leaves unset, never overrides it, and never moves NANOCODE_HOME', async () => {
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'echo "from=$FROM_DOTENV"' } }] }, { text: 'done' }]);
  const cwd = tempDir();
  const home = tempDir('nanocode-home-');
  const elsewhere = tempDir('nanocode-home-');
  writeFileSync(join(cwd, '.env'), ['OPENAI_API_KEY=dotenv-key', 'NANOCODE_MODEL=not-this-one', `NANOCODE_HOME=${elsewhere}`, 'NANOCODE_LOG=0', 'FROM_DOTENV=yes', ''].join('\n'));
  const r = await run(['question'], { cwd, env: { HOME: home, OPENAI_API_KEY: 'env-key', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const [first, second] = server.turnRequests();
  expect(first.headers.authorization).toBe('Bearer env-key');
  expect(first.body.model).toBe('scripted-model');
  expect(JSON.stringify(second.body.messages)).toContain('from=yes');
  expect(existsSync(join(cwd, '.nanocode.log'))).toBe(false);
  // The session is in ~/.nanocode, not in the folder .env names.
  expect(readdirSync(join(home, '.nanocode/sessions', projectSlug(cwd)))).toHaveLength(1);
  expect(readdirSync(elsewhere)).toEqual([]);
});
