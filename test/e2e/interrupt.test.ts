// Ctrl-C during a long bash command: the whole process group dies and
// nanocode exits 130 within a second.
import { execFileSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { start } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

/** Anchored, so the bash -c whose script mentions the name does not count. */
function alive(name: string): boolean {
  try {
    execFileSync('pgrep', ['-f', `^${name} `]);
    return true;
  } catch {
    return false;
  }
}

it('SIGINT kills the running command and its background children, exit 130 within 1 s', async () => {
  const marker = `nanocode-sigint-${process.pid}-${Date.now()}`;
  // A foreground sleep plus a background child: both must die.
  const command = `(exec -a ${marker}-bg sleep 1000) & exec -a ${marker}-fg sleep 1000`;
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command } }] }, { text: 'unreachable' }]);
  const { child, done } = start(['--mode', 'json', 'run it'], { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL } });

  // Wait until both sleeps are running.
  const deadline = Date.now() + 10_000;
  while (!(alive(`${marker}-fg`) && alive(`${marker}-bg`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(alive(`${marker}-fg`)).toBe(true);
  expect(alive(`${marker}-bg`)).toBe(true);

  const sent = Date.now();
  child.kill('SIGINT');
  const result = await done;
  expect(Date.now() - sent).toBeLessThan(1000);
  expect(result.code).toBe(130);
  expect(alive(`${marker}-fg`)).toBe(false);
  expect(alive(`${marker}-bg`)).toBe(false);

  const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: true, content: expect.stringContaining('[killed: cancelled by the user]') });
  expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'aborted', exitCode: 130 });
  // The model was not asked again after the interrupt.
  expect(server.turnRequests()).toHaveLength(1);
});
