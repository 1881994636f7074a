// A long session needs memory in proportion to its history, not to how many
// requests it has made: each request re-sends the whole history, and the
// garbage that leaves must not pile up into the process's peak memory.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { start } from '../support/cli.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

/** The kernel's high-water mark of the process's resident memory, in MB. */
function peakMb(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined; // exited
  }
}

it.skipIf(!existsSync('/proc/self/status'))('400 turns of a small command stay under 160 MB at their peak', async () => {
  const turns = 400;
  // Numbered, so the repeat guard does not stop identical calls.
  const script = Array.from({ length: turns }, (_, i) => ({ toolCalls: [{ name: 'bash', args: { command: `true # ${i}` } }] }));
  server = await startScriptedServer([...script, { text: 'done' }]);
  const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' };
  const { child, done } = start(['--max-turns', String(turns + 1), 'run true many times'], { env, timeoutMs: 60_000 });
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakMb(child.pid!) ?? 0)), 20);
  const r = await done.finally(() => clearInterval(poll));
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('done\n');
  expect(server.turnRequests()).toHaveLength(turns + 1);
  // About 125 MB, of which Node itself is 45; with V8's defaults, 215.
  expect(peak).toBeGreaterThan(0);
  expect(peak).toBeLessThan(160);
}, 90_000);
