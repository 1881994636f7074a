// Long work that outgrows the context window: compaction keeps every request
// inside it, through real HTTP against the scripted model server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { cutPoint, fallbackSummary, SUMMARY_PREFIX } from '../../src/agent/compaction.ts';
import type { Message } from '../../src/protocol/messages.ts';
import { jsonLines, run, tempDir } from '../support/cli.ts';
import { type RecordedRequest, type ScriptTurn, type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

const WINDOW = 6000;
const SECTIONS = ['## Goal', '## Constraints', '## Progress', '### Done', '### In progress', '### Blocked', '## Key decisions', '## Next steps', '## Critical context', '## Files read', '## Files modified'];
/** Tokens as the scripted server counts them in its usage reports: one per 4 bytes of the request, measured on the wire. */
const wireTokens = (r: RecordedRequest) => Math.ceil(r.bytes / 4);
const isSummaryRequest = (body: any) => typeof body?.messages?.[0]?.content === 'string' && body.messages[0].content.startsWith('You summarise');
const summaryTurn: ScriptTurn = { text: SECTIONS.map((s) => `${s}\n- noted`).join('\n') };
const smallWindow = {
  NANOCODE_CONTEXT_WINDOW_TOKENS: String(WINDOW),
  NANOCODE_COMPACTION_RESERVE_TOKENS: '1000',
  NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '1200',
};

/** Every tool call in a request is answered right after, and every result has its call. */
function assertPaired(messages: any[]) {
  messages.forEach((m, i) => {
    for (const call of m.tool_calls ?? []) {
      const results = messages.slice(i + 1).filter((r) => r.role === 'tool');
      expect(results.some((r) => r.tool_call_id === call.id)).toBe(true);
    }
    if (m.role === 'tool') {
      const calls = messages.slice(0, i).flatMap((a) => a.tool_calls ?? []);
      expect(calls.some((c: any) => c.id === m.tool_call_id)).toBe(true);
    }
  });
}

it('a 300-turn session in a small window compacts automatically and every request fits', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'notes.txt'), `${'A line of project notes that the agent keeps reading.\n'.repeat(12)}`);
  const script: ScriptTurn[] = [];
  for (let i = 0; i < 300; i++) script.push({ toolCalls: [{ name: 'read', args: { path: 'notes.txt' } }] }, { text: `Answer ${i}: the notes are read.` });
  server = await startScriptedServer(script, { respond: (b) => (isSummaryRequest(b) ? summaryTurn : undefined) });
  const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, ...smallWindow };
  const agent = await Agent.create({ env, cwd: dir, gitContext: false });
  let compactions = 0;
  for (let i = 0; i < 300; i++) {
    for await (const e of agent.prompt(`Question ${i}: read the notes again.`)) {
      if (e.type === 'compaction') compactions++;
      if (e.type === 'done') expect(e.reason).toBe('stop');
    }
  }
  const requests = server.turnRequests();
  const summaries = requests.filter((r) => isSummaryRequest(r.body));
  const work = requests.filter((r) => !isSummaryRequest(r.body));
  expect(work).toHaveLength(600);
  expect(compactions).toBe(summaries.length);
  expect(compactions).toBeGreaterThan(10);
  for (const r of requests) expect(wireTokens(r)).toBeLessThanOrEqual(WINDOW);
  // The summary request asks for the sections; later ones update the previous summary.
  for (const s of SECTIONS) expect(summaries[0].body.messages[0].content).toContain(s);
  expect(summaries[1].body.messages[1].content).toContain('Here is the summary of the conversation so far');
  for (const r of work) {
    const msgs = r.body.messages.slice(1);
    assertPaired(msgs);
    if (typeof msgs[0].content === 'string' && msgs[0].content.startsWith(SUMMARY_PREFIX)) {
      // The kept history starts at a user message.
      expect(msgs[1].role).toBe('user');
      expect(msgs[1].content).toMatch(/^Question \d+/);
    }
  }
  expect(agent.messages[0].content).toMatch(/^\[Summary of the earlier conversation\]/);
});

it('a context-length error from the provider leads to compaction and a successful retry (binary)', async () => {
  const longTurns: ScriptTurn[] = Array.from({ length: 6 }, (_, i) => ({ toolCalls: [{ name: 'bash', args: { command: `seq 1 ${200 + i}` } }] }));
  server = await startScriptedServer(
    [...longTurns, { fault: { kind: 'status', status: 400, message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens." } }, { text: 'Finished after compacting.' }],
    { respond: (b) => (isSummaryRequest(b) ? summaryTurn : undefined) },
  );
  const r = await run(['--mode', 'json', 'count a lot'], { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_COMPACTION: '0', NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '500' } });
  const events = jsonLines(r.stdout);
  expect(r.code).toBe(0);
  expect(events.filter((e) => e.type === 'compaction')).toHaveLength(1);
  expect(events.at(-1)).toMatchObject({ type: 'result', text: 'Finished after compacting.' });
  const reqs = server.turnRequests();
  const retry = reqs.at(-1)!.body.messages;
  expect(retry[1].content).toMatch(/^\[Summary of the earlier conversation\]/);
  expect(JSON.stringify(retry).length).toBeLessThan(JSON.stringify(reqs.at(-3)!.body.messages).length);
  assertPaired(retry.slice(1));
});

it('compacts a single long task in the binary (no later user message: it cuts before an assistant turn)', async () => {
  const turns: ScriptTurn[] = Array.from({ length: 30 }, (_, i) => ({ toolCalls: [{ name: 'bash', args: { command: `seq 1 80; echo step ${i}` } }] }));
  server = await startScriptedServer([...turns, { text: 'All steps done.' }], { respond: (b) => (isSummaryRequest(b) ? summaryTurn : undefined) });
  const r = await run(['--mode', 'json', 'do thirty steps'], { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, ...smallWindow } });
  expect(r.code).toBe(0);
  expect(jsonLines(r.stdout).filter((e) => e.type === 'compaction').length).toBeGreaterThan(0);
  for (const req of server.turnRequests()) {
    expect(wireTokens(req)).toBeLessThanOrEqual(WINDOW);
    if (!isSummaryRequest(req.body)) assertPaired(req.body.messages.slice(1));
  }
});

it('falls back to a deterministic summary when the model cannot summarise', async () => {
  const turns: ScriptTurn[] = Array.from({ length: 25 }, (_, i) => ({ toolCalls: [{ name: 'read', args: { path: `missing-${i}.txt` } }, { name: 'bash', args: { command: `seq 1 200` } }] }));
  server = await startScriptedServer([...turns, { text: 'done' }], { respond: (b) => (isSummaryRequest(b) ? { fault: { kind: 'status', status: 400, message: 'no summaries today' } } : undefined) });
  const r = await run(['--mode', 'json', 'look for files'], { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, ...smallWindow } });
  expect(r.code).toBe(0);
  const compaction = jsonLines(r.stdout).find((e) => e.type === 'compaction');
  expect(compaction.fallback).toBe(true);
  const summary = compaction.summary.content as string;
  for (const s of SECTIONS) expect(summary).toContain(s);
  expect(summary).toContain('- look for files');
  expect(summary).toMatch(/- missing-0\.txt/);
  expect(summary).toContain('read: File not found: missing-0.txt');
});

describe('cut point', () => {
  const u = (t: string): Message => ({ role: 'user', content: t });
  const a = (id?: string): Message => ({ role: 'assistant', content: id ? [{ type: 'tool_call', id, name: 'read', args: {} }] : [{ type: 'text', text: 'ok' }] });
  const t = (id: string): Message => ({ role: 'tool', toolCallId: id, toolName: 'read', content: 'x'.repeat(400) });

  it('prefers the latest user message that keeps enough, never a tool result', () => {
    const m = [u('one'), a('1'), t('1'), a(), u('two'), a('2'), t('2'), a('3'), t('3'), a()];
    expect(cutPoint(m, 150, -1)).toBe(4);
    expect(cutPoint(m, 10, -1)).toBe(4); // a user boundary, though an assistant one would keep enough
    const oneTask = [u('one'), a('1'), t('1'), a('2'), t('2'), a('3'), t('3'), a()];
    expect(cutPoint(oneTask, 150, -1)).toBe(3); // no later user message: before an assistant turn
    expect(cutPoint([u('one')], 1, -1)).toBeUndefined(); // nothing to summarise
  });

  it('passes over a user message that would keep more than the most it may', () => {
    // A user message, then a long task: cutting at the user message would keep it all.
    const m = [u('one'), a(), u('two'), a('1'), t('1'), a('2'), t('2'), a('3'), t('3'), a('4'), t('4'), a()];
    expect(cutPoint(m, 150, -1)).toBe(2);
    expect(cutPoint(m, 150, -1, 300)).toBe(7);
  });

  it('the fallback lists files and errors', () => {
    const m: Message[] = [u('fix it'), { role: 'assistant', content: [{ type: 'tool_call', id: 'c', name: 'edit', args: { path: 'src/a.ts' } }] }, { role: 'tool', toolCallId: 'c', toolName: 'edit', content: 'oldText not found', isError: true }];
    const s = fallbackSummary(m);
    expect(s).toContain('## Files modified\n- src/a.ts');
    expect(s).toContain('edit: oldText not found');
  });

  it('the fallback keeps a bounded part of the earlier summary, so repeated fallbacks do not grow', () => {
    const previous = `## Goal\n- the first goal\n${'- an old detail\n'.repeat(10_000)}## Files modified\n- src/last.ts`;
    const s = fallbackSummary([u('go on')], previous);
    expect(s.length).toBeLessThan(6000);
    expect(s).toContain('- the first goal');
    expect(s).toContain('- src/last.ts');
  });
});
