// How the loop runs tools: read-only calls in one turn in parallel, writes in
// order; the repeat guard; all through real HTTP against the scripted server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../../src/agent/agent.ts';
import type { AgentEvent } from '../../src/protocol/events.ts';
import { defineTool, type Tool } from '../../src/protocol/tool.ts';
import { jsonLines, run, tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());
const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, PATH: process.env.PATH });

async function collect(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

it('runs read-only calls of one turn in parallel and writes alone, in order', async () => {
  const spans: Record<string, [number, number]> = {};
  const slow = (name: string, permission: 'read' | 'edit') =>
    defineTool({
      name,
      description: name,
      parameters: z.object({ id: z.string() }),
      permission,
      async execute({ id }) {
        const start = performance.now();
        await new Promise((r) => setTimeout(r, 150));
        spans[id] = [start, performance.now()];
        return { content: `done ${id}` };
      },
    });
  const tools = [slow('look', 'read'), slow('change', 'edit')] as Tool[];
  server = await startScriptedServer([
    {
      toolCalls: [
        { name: 'look', args: { id: 'r1' } },
        { name: 'look', args: { id: 'r2' } },
        { name: 'change', args: { id: 'w1' } },
        { name: 'look', args: { id: 'r3' } },
      ],
    },
    { text: 'all done' },
  ]);
  const agent = await Agent.create({ env: env(server), tools, cwd: tempDir(), gitContext: false });
  const events = await collect(agent.prompt('go'));
  expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'stop', text: 'all done' });

  const overlap = (a: string, b: string) => spans[a][0] < spans[b][1] && spans[b][0] < spans[a][1];
  expect(overlap('r1', 'r2')).toBe(true);
  expect(spans.w1[0]).toBeGreaterThanOrEqual(Math.max(spans.r1[1], spans.r2[1]));
  expect(spans.r3[0]).toBeGreaterThanOrEqual(spans.w1[1]);
  // Results go back to the model in call order.
  const toolMessages = server.turnRequests()[1].body.messages.filter((m: any) => m.role === 'tool');
  expect(toolMessages.map((m: any) => m.content)).toEqual(['done r1', 'done r2', 'done w1', 'done r3']);
});

it('tells the model to change approach after 3 identical failures, and stops after 5 identical calls with identical results', async () => {
  const missing = { name: 'read', args: { path: 'missing.txt' } };
  server = await startScriptedServer(Array.from({ length: 6 }, () => ({ toolCalls: [missing] })));
  const r = await run(['--mode', 'json', 'read it'], { env: env(server) });
  const events = jsonLines(r.stdout);
  expect(r.code).toBe(1);
  const toolMessages = events.filter((e) => e.type === 'message' && e.message.role === 'tool').map((e) => e.message.content);
  expect(toolMessages).toHaveLength(5);
  expect(toolMessages[1]).not.toContain('change your approach');
  expect(toolMessages[2]).toContain('[This exact call has now failed 3 times in a row. Do not repeat it');
  expect(events.find((e) => e.type === 'error').message).toBe('Stopped: the model made the same call 5 times in a row with the same result: read {"path":"missing.txt"}');
  expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'stuck', exitCode: 1 });
  expect(server.turnRequests()).toHaveLength(5);
  // The model saw the warning in its next request.
  expect(JSON.stringify(server.turnRequests()[3].body.messages)).toContain('change your approach');
});

it('edits through the binary: the model gets a short confirmation, the JSON stream the diff', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'app.py'), 'def main():\n    print("hello")\n');
  server = await startScriptedServer([
    { toolCalls: [{ name: 'read', args: { path: 'app.py' } }] },
    { toolCalls: [{ name: 'edit', args: { path: 'app.py', oldText: 'print("hello")', newText: 'print("hello, world")' } }] },
    { text: 'done' },
  ]);
  const r = await run(['--mode', 'json', 'greet the world'], { cwd: dir, env: env(server) });
  expect(r.code).toBe(0);
  const result = jsonLines(r.stdout).find((e) => e.type === 'tool_result' && e.name === 'edit');
  expect(result.content).toBe('Edited app.py: 1 replacement, +1 -1 lines.');
  expect(result.details).toMatchObject({ kind: 'diff', path: 'app.py', firstChangedLine: 2 });
  expect(result.details.diff).toContain('-    print("hello")\n+    print("hello, world")');
  expect(JSON.stringify(server.turnRequests()[2].body.messages)).not.toContain('@@');
});

it('lets variables named in settings through to commands; other secrets stay out', async () => {
  const home = tempDir();
  const dir = tempDir();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, '.nanocode'));
  writeFileSync(join(dir, '.nanocode/settings.json'), JSON.stringify({ bash: { allowEnv: ['GH_TOKEN'] } }));
  server = await startScriptedServer([{ toolCalls: [{ name: 'bash', args: { command: 'echo "gh=${GH_TOKEN:-none} key=${OPENAI_API_KEY:-none}"' } }] }, { text: 'ok' }]);
  const r = await run(['--trust', 'check env'], { cwd: dir, env: { ...env(server), GH_TOKEN: 'ghp_allowed', NANOCODE_HOME: home } });
  expect(r.code).toBe(0);
  expect(JSON.stringify(server.turnRequests()[1].body.messages)).toContain('gh=ghp_allowed key=none');
});

it('refuses an invalid settings file with a clear message and exit 2', async () => {
  const dir = tempDir();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, '.nanocode'));
  writeFileSync(join(dir, '.nanocode/settings.json'), JSON.stringify({ bash: { allowEnv: 'GH_TOKEN' } }));
  const r = await run(['--trust', 'x'], { cwd: dir, env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/\.nanocode\/settings\.json: bash\.allowEnv: .*expected array/i);
});

it('runs the search tools and apply_patch through the binary', async () => {
  const dir = tempDir();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/app.ts'), 'export const answer = 41;\n');
  writeFileSync(join(dir, '.gitignore'), 'dist/\n');
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist/app.js'), 'const answer = 41;\n');
  const patch = '--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1 +1 @@\n-export const answer = 41;\n+export const answer = 42;\n';
  server = await startScriptedServer([
    {
      toolCalls: [
        { name: 'ls', args: {} },
        { name: 'glob', args: { pattern: '**/*.ts' } },
        { name: 'find', args: { pattern: 'app' } },
        { name: 'grep', args: { pattern: 'answer = \\d+' } },
      ],
    },
    { toolCalls: [{ name: 'apply_patch', args: { patch } }] },
    { text: 'patched' },
  ]);
  const r = await run(['fix the answer'], { cwd: dir, env: env(server) });
  expect(r.code).toBe(0);
  const results = server.turnRequests()[1].body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);
  expect(results).toEqual(['.gitignore\nsrc/', 'src/app.ts', 'src/app.ts', 'src/app.ts:1: export const answer = 41;']);
  expect(server.turnRequests()[2].body.messages.at(-1).content).toBe('Applied the patch: modified src/app.ts.');
  expect((await import('node:fs')).readFileSync(join(dir, 'src/app.ts'), 'utf8')).toBe('export const answer = 42;\n');
});
