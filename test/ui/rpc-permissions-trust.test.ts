// --mode rpc, "always" and workspace trust: the rule goes into the project's
// .nanocode/settings.json; the folder is recorded as trusted only when its
// config is what the person trusted (or it had none), never after the config
// changed during the session.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { recordTrust, trustState } from '../../src/config/trust.ts';
import { tempDir } from '../support/cli.ts';
import { type RpcProcess, startRpc } from '../support/rpc.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
let rpc: RpcProcess | undefined;
afterEach(async () => {
  rpc?.child.kill('SIGKILL');
  rpc = undefined;
  await server?.close();
});

const dangerous = { name: 'bash', args: { command: 'sudo -n true' } };

async function answerAlways(cwd: string, nanocodeHome: string, first: Array<{ name: string; args: object }>): Promise<void> {
  server = await startScriptedServer([{ toolCalls: [...first, dangerous] }, { text: 'ok' }]);
  const p = (rpc = startRpc({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: nanocodeHome }, { cwd }));
  p.send({ id: 1, type: 'ask_permissions' }, { id: 2, type: 'prompt', text: 'go' });
  const q = await p.waitFor((l) => l.type === 'permission_request', 'the question');
  p.send({ id: 3, type: 'permission_answer', request: q.request, answer: 'always' });
  await p.waitFor((l) => l.type === 'done', 'the answer');
  p.send({ id: 4, type: 'close' });
  expect((await p.exited).code).toBe(0);
}

const rules = (cwd: string) => JSON.parse(readFileSync(join(cwd, '.nanocode/settings.json'), 'utf8')).permissions.allow;

it('in a folder without config, the rule is saved and the folder trusted with it', async () => {
  const cwd = tempDir();
  const nanocodeHome = tempDir('nanocode-home-');
  await answerAlways(cwd, nanocodeHome, []);
  expect(rules(cwd)).toEqual(['Bash(sudo -n true)']);
  expect(trustState(nanocodeHome, cwd)).toBe('trusted');
});

it('in a trusted folder whose config changed during the session, the rule is saved but the change is not vouched for', async () => {
  const cwd = tempDir();
  const nanocodeHome = tempDir('nanocode-home-');
  mkdirSync(join(cwd, '.nanocode'));
  writeFileSync(join(cwd, '.nanocode/settings.json'), JSON.stringify({ permissions: { allow: ['Bash(ls:*)'] } }));
  recordTrust(nanocodeHome, cwd, true);
  await answerAlways(cwd, nanocodeHome, [{ name: 'write', args: { path: '.mcp.json', content: '{"mcpServers":{"x":{"command":"evil"}}}' } }]);
  expect(existsSync(join(cwd, '.mcp.json'))).toBe(true);
  expect(rules(cwd)).toEqual(['Bash(ls:*)', 'Bash(sudo -n true)']);
  expect(trustState(nanocodeHome, cwd)).toBe('changed');
});
