// examples/library.ts, run as a user runs it (node, importing 'nanocode'
// through package.json "exports") against the scripted server.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { baseEnv, killAfterwards, tempDir } from '../support/cli.ts';
import { pidsWithEnv } from '../support/processes.ts';
import { expectGone, killAll, uniqueName, waitUntil } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/library.ts');
let server: ScriptedServer | undefined;
const marker = uniqueName('example');
afterEach(async () => {
  killAll(marker);
  await server?.close();
});

function runExample(env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [EXAMPLE], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('runs the library example: its tool, a streamed run, a steered run, and a stop that kills the running command', async () => {
  server = await startScriptedServer([
    { toolCalls: [{ name: 'word_count', args: { text: 'the quick brown fox' } }], usage: { input: 100, output: 10 } },
    { text: 'Four words.', usage: { input: 120, output: 5 } },
    { toolCalls: [{ name: 'ls', args: {} }] },
    { text: 'Just notes.txt.' },
    { toolCalls: [{ name: 'bash', args: { command: 'echo "3 passed"' } }] },
    { text: 'Used vitest.' },
    // The background job is in the shell's process group: started before the echo, killed with the shell.
    { toolCalls: [{ name: 'bash', args: { command: `(exec -a ${marker} sleep 1000) & echo "started $!"; wait` } }] },
    { text: 'never sent' },
  ]);
  const cwd = tempDir();
  writeFileSync(join(cwd, 'notes.txt'), 'notes\n');
  const env = baseEnv({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' });
  killAfterwards(env);
  const r = await runExample(env, cwd);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines.slice(0, 4)).toEqual(['answer: Four words. (220 tokens in, 15 out)', 'tool: ls {}', 'answer: Just notes.txt.', 'answer: Used vitest.']);
  const stop = /^output: started (\d+); stopping$/.exec(lines[4]);
  expect(stop, r.stdout).not.toBeNull();

  const requests = server.turnRequests().map((q) => q.body.messages);
  // The custom tool ran, and its result reached the model.
  expect(requests[1].at(-1)).toEqual({ role: 'tool', tool_call_id: expect.any(String), content: '4 words' });
  // The steer followed the tool result, before the model's next turn.
  expect(requests[5].slice(-2).map((m: any) => [m.role, m.content])).toEqual([
    ['tool', '3 passed\n[exit code 0]'],
    ['user', 'Use vitest, not jest.'],
  ]);
  // Stopping sent nothing more, closed every request, and killed the command.
  expect(requests).toHaveLength(7);
  expect(server.turnRequests().every((q) => q.closed !== undefined)).toBe(true);
  await expectGone(marker);
  await waitUntil(() => !alive(Number(stop![1])), 'the command to be gone');
  // close(): nothing the example started is left.
  expect(pidsWithEnv((entry) => entry === `TMPDIR=${env.TMPDIR}`)).toEqual([]);
});
