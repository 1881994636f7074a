// Ctrl-C during a long bash command: the whole process group dies and
// nanocode exits 130 within a second.
import { afterEach, expect, it } from 'vitest';
import { start } from '../support/cli.ts';
import { expectGone, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

it('SIGINT kills the running command and its background children, exit 130 within 1 s', async () => {
  const marker = uniqueName('sigint');
  // A foreground sleep plus a background child: both must die.
  const command = `(exec -a ${marker}-bg sleep 1000) & exec -a ${marker}-fg sleep 1000`;
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command } }] }, { text: 'unreachable' }]);
  const { child, done } = start(['--mode', 'json', 'run it'], { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL } });

  await waitUntil(() => pidsOf(`${marker}-fg`).length === 1 && pidsOf(`${marker}-bg`).length === 1, 'both sleeps to run');

  const sent = Date.now();
  child.kill('SIGINT');
  const result = await done;
  expect(Date.now() - sent).toBeLessThan(1000);
  expect(result.code).toBe(130);
  await expectGone(`${marker}-fg`);
  await expectGone(`${marker}-bg`);

  const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ isError: true, content: expect.stringContaining('[killed: cancelled by the user]') });
  expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'aborted', exitCode: 130 });
  // The model was not asked again after the interrupt.
  expect(server.turnRequests()).toHaveLength(1);
});
