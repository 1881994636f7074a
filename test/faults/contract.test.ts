// Typed tool details through the built binary (--mode json): what a person
// sees of a command or a file change comes from details, never from the text
// the model got.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { jsonLines, run, tempDir } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());
const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: tempDir('nanocode-home-') });
const results = (stdout: string) => jsonLines(stdout).filter((e) => e.type === 'tool_result');

it('bash details: the exit code, the duration, and the true line count of an output the model got only the ends of', async () => {
  const cwd = tempDir();
  server = await startScriptedServer([
    { toolCalls: [{ name: 'bash', args: { command: 'seq 300000' } }] },
    { toolCalls: [{ name: 'bash', args: { command: 'sleep 0.3; printf "a\\nb"; exit 3' } }] },
    { toolCalls: [{ name: 'bash', args: { command: 'sleep 30', timeout: 1 } }] },
    { text: 'counted' },
  ]);
  const r = await run(['--mode', 'json', 'count'], { cwd, env: env(server) });
  expect(r.code).toBe(0);
  const [seq, failed, slow] = results(r.stdout);
  expect(seq.details).toEqual({ kind: 'bash', exitCode: 0, durationMs: expect.any(Number), lines: 300000, truncated: true, fullOutputPath: expect.stringMatching(/\.log$/) });
  expect(seq.content).toContain('bytes omitted'); // the model got the head and the tail
  expect(failed).toMatchObject({ isError: true, details: { kind: 'bash', exitCode: 3, lines: 2, truncated: false } });
  expect(failed.details.durationMs).toBeGreaterThanOrEqual(300);
  expect(slow).toMatchObject({ isError: true, details: { exitCode: null, killed: 'timeout', lines: 0 } });
  // The command log reads how each command ended from details.
  const log = readFileSync(join(cwd, '.nanocode.log'), 'utf8').split('\n').map((l) => l.replace(/^\S+ /, ''));
  expect(log.slice(0, 3)).toEqual(['[exit code 0] seq 300000', '[exit code 3] sleep 0.3; printf "a\\nb"; exit 3', '[killed: timed out] sleep 30']);
});

it('diff details for write, edit and apply_patch: the diff and the first changed line, none of it sent to the model', async () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'list.txt'), `${Array.from({ length: 50 }, (_, i) => `item ${i + 1}`).join('\n')}\n`);
  const patch = '--- a/list.txt\n+++ b/list.txt\n@@ -40,3 +40,3 @@\n item 40\n-item 41\n+item forty-one\n item 42\n';
  server = await startScriptedServer([
    { toolCalls: [{ name: 'write', args: { path: 'new.txt', content: 'hello\n' } }] },
    { toolCalls: [{ name: 'read', args: { path: 'list.txt' } }] },
    { toolCalls: [{ name: 'edit', args: { path: 'list.txt', oldText: 'item 30\n', newText: 'item thirty\n' } }] },
    { toolCalls: [{ name: 'apply_patch', args: { patch } }] },
    { text: 'done' },
  ]);
  const r = await run(['--mode', 'json', 'change things'], { cwd, env: env(server) });
  expect(r.code).toBe(0);
  const [write, , edit, applied] = results(r.stdout);
  expect(write.details).toEqual({ kind: 'diff', path: 'new.txt', diff: expect.stringContaining('@@ -0,0 +1,1 @@\n+hello\n'), firstChangedLine: 1 });
  expect(edit.details).toEqual({ kind: 'diff', path: 'list.txt', diff: expect.stringContaining('-item 30\n+item thirty\n'), firstChangedLine: 30 });
  expect(applied.details).toEqual({ kind: 'diff', path: 'list.txt', diff: expect.stringContaining('-item 41\n+item forty-one\n'), firstChangedLine: 41, files: ['list.txt'] });
  const toModel = server.turnRequests().at(-1)!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content);
  expect(toModel).toEqual(['Wrote new.txt: 1 lines, 6 bytes.', expect.stringContaining('item 50'), 'Edited list.txt: 1 replacement, +1 -1 lines.', 'Applied the patch: modified list.txt.']);
});
