// The walking skeleton end to end: a scripted model reads a buggy Python file,
// writes the fix, runs the check, and answers; through the real binary and
// real HTTP, against both wire protocols.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

const BUGGY = 'def add(a, b):\n    return a - b\n';
const FIXED = 'def add(a, b):\n    return a + b\n';
const CHECK = 'from calc import add\nassert add(2, 3) == 5, f"add(2, 3) = {add(2, 3)}"\nprint("all checks passed")\n';

function project(): string {
  const dir = tempDir('nanocode-py-');
  writeFileSync(join(dir, 'calc.py'), BUGGY);
  writeFileSync(join(dir, 'check.py'), CHECK);
  return dir;
}

const script = [
  { text: 'Let me look at the code.', toolCalls: [{ name: 'read', args: { path: 'calc.py' } }] },
  { toolCalls: [{ name: 'write', args: { path: 'calc.py', content: FIXED } }] },
  { toolCalls: [{ name: 'bash', args: { command: 'python3 check.py' } }] },
  { text: 'Fixed `add` in calc.py: it subtracted instead of adding. `python3 check.py` passes.' },
];

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const toolResultText = (body: any): string => JSON.stringify(body.messages);

describe.each([
  ['OpenAI-compatible', (s: ScriptedServer) => ({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' })],
  ['Anthropic', (s: ScriptedServer) => ({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: s.anthropicBaseURL })],
])('fixing a Python bug via %s', (_name, envFor) => {
  it('leaves the fixed file on disk, runs the check and exits 0', async () => {
    server = await startScriptedServer(script);
    const cwd = project();
    const result = await run(['fix the failing check'], { cwd, env: envFor(server) });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${script[3].text}\n`);
    expect(readFileSync(join(cwd, 'calc.py'), 'utf8')).toBe(FIXED);

    const reqs = server.turnRequests();
    expect(reqs).toHaveLength(4);
    // The model saw the file as numbered lines, then the check's real output.
    expect(toolResultText(reqs[1].body)).toContain('2|     return a - b');
    expect(toolResultText(reqs[2].body)).toContain('Wrote calc.py: 2 lines');
    expect(toolResultText(reqs[3].body)).toContain('all checks passed');
    expect(toolResultText(reqs[3].body)).toContain('[exit code 0]');
    // Every request carries the task and the tools.
    for (const r of reqs) {
      expect(JSON.stringify(r.body)).toContain('fix the failing check');
      expect(r.body.tools.map((t: any) => t.name ?? t.function.name)).toEqual(['read', 'write', 'edit', 'apply_patch', 'bash', 'glob', 'grep', 'ls', 'find']);
      expect(r.body.stream).toBe(true);
    }
  });
});

it('marks the Anthropic system prompt and tools for prompt caching', async () => {
  server = await startScriptedServer([{ text: 'ok' }]);
  const result = await run(['hi'], { env: { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: server.anthropicBaseURL } });
  expect(result.code).toBe(0);
  const body = server.turnRequests()[0].body;
  expect(body.system.at(-1).cache_control).toEqual({ type: 'ephemeral' });
  expect(body.tools.at(-1).cache_control).toEqual({ type: 'ephemeral' });
  expect(server.turnRequests()[0].headers['x-api-key']).toBe('k');
});

it('sends an image read by the tool as an image to Anthropic, and as a short note over Chat Completions', async () => {
  const { copyFileSync } = await import('node:fs');
  const png = join(import.meta.dirname, '../fixtures/web/binary/red-circle.png');
  for (const kind of ['anthropic', 'openai'] as const) {
    const dir = tempDir();
    copyFileSync(png, join(dir, 'c.png'));
    server = await startScriptedServer([{ toolCalls: [{ name: 'read', args: { path: 'c.png' } }] }, { text: 'a red circle' }]);
    const env = kind === 'openai' ? { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL } : { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: server.anthropicBaseURL };
    const r = await run(['look at c.png'], { cwd: dir, env });
    expect(r.code).toBe(0);
    const last = server.turnRequests()[1].body.messages.at(-1);
    if (kind === 'anthropic') {
      expect(last.content[0].content[1]).toMatchObject({ type: 'image', source: { type: 'base64', media_type: 'image/png' } });
    } else {
      expect(last).toMatchObject({ role: 'tool', content: expect.stringMatching(/^Image c\.png \(image\/png, \d+ bytes\)\n\[image\/png image not shown/) });
    }
    await server.close();
    server = undefined;
  }
});
