// The engine under faults: messages too large for the window, compaction
// summaries, cost across models, and the repeat guard; all through the built
// binary against the scripted model server.
import { readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonLines, run } from '../support/cli.ts';
import { expectGone, killAll, uniqueName, waitUntil, workspace } from '../support/scenario.ts';
import { type RecordedRequest, type ScriptTurn, type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { openPane, type Pane } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
const names: string[] = [];
afterEach(async () => {
  pane?.kill();
  pane = undefined;
  for (const name of names.splice(0)) killAll(name);
  await server?.close();
});

const WINDOW = 6000;
const smallWindow = {
  NANOCODE_CONTEXT_WINDOW_TOKENS: String(WINDOW),
  NANOCODE_COMPACTION_RESERVE_TOKENS: '1000',
  NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '1200',
};
const CUT_MARK = 'characters cut: too large for the context window';
const SECTIONS = ['## Goal', '## Constraints', '## Progress', '### Done', '### In progress', '### Blocked', '## Key decisions', '## Next steps', '## Critical context', '## Files read', '## Files modified'];
const SUMMARY_TEXT = SECTIONS.map((s) => `${s}\n- SUMMARY-ONLY-WORDS`).join('\n');
const isSummaryRequest = (body: any) => typeof body?.messages?.[0]?.content === 'string' && body.messages[0].content.startsWith('You summarise');
const summaries = { respond: (b: any): ScriptTurn | undefined => (isSummaryRequest(b) ? { text: SUMMARY_TEXT, usage: { input: 40_000, output: 2_000 } } : undefined) };
/** Summaries that think aloud first: neither their thoughts nor their words are for the user. */
const thinkingSummaries = { respond: (b: any) => (isSummaryRequest(b) ? { reasoning: 'SUMMARY-ONLY-THOUGHTS', text: SUMMARY_TEXT, usage: { input: 40_000, output: 2_000 } } : undefined) };
const sumUsage = (events: any[]) =>
  events.reduce((n, e) => ({ input: n.input + e.usage.input, output: n.output + e.usage.output, reasoning: n.reasoning + e.usage.reasoning, cacheRead: n.cacheRead + e.usage.cacheRead, cacheWrite: n.cacheWrite + e.usage.cacheWrite }), { input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0 });
/** Tokens as the scripted server counts them in its usage reports: one per 4 bytes of the request. */
const wireTokens = (r: RecordedRequest) => Math.ceil(r.bytes / 4);
const openai = (s: ScriptedServer, home: string, extra: Record<string, string> = {}) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model', NANOCODE_HOME: home, ...extra });
/** Processes working in `dir`, the tmux pane's own shell and its `sleep 600` aside: what nanocode left behind. */
function processesIn(dir: string): string[] {
  const real = realpathSync(dir);
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((pid) => {
      try {
        if (readlinkSync(`/proc/${pid}/cwd`) !== real) return [];
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        return cmd === 'sleep 600' || cmd.includes('EXIT:$?') ? [] : [`${pid} ${cmd}`];
      } catch {
        return []; // gone meanwhile
      }
    });
}

/** Fails, after killing them, if processes are still working in `dir`. */
async function expectNoneLeftIn(dir: string): Promise<void> {
  try {
    await waitUntil(() => processesIn(dir).length === 0, `no process left in ${dir}`, 5_000);
  } catch {
    const left = processesIn(dir);
    for (const p of left) process.kill(Number(p.split(' ')[0]), 'SIGKILL');
    expect(left).toEqual([]);
  }
}
const toolMessages = (r: RecordedRequest): string[] => r.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => m.content as string);

describe('a message too large for the window', () => {
  it('a tool call with megabytes of arguments is cut with a marker; the next request fits, and so does a continued session', async () => {
    const ws = workspace();
    const content = Array.from({ length: 100_000 }, (_, i) => `line ${i} of the generated data file`).join('\n');
    expect(content.length).toBeGreaterThan(3_000_000);
    server = await startScriptedServer([{ toolCalls: [{ name: 'write', args: { path: 'big.txt', content } }] }, { text: 'Wrote big.txt.' }, { text: 'It holds generated data.' }], summaries);
    const env = openai(server, ws.home, smallWindow);

    const r = await run(['write the data file'], { env, cwd: ws.cwd, timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Wrote big.txt.\n');
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    // The tool got every byte; only the history sent to the model was cut.
    expect(readFileSync(join(ws.cwd, 'big.txt'), 'utf8')).toBe(content);
    const after = server.turnRequests().filter((q) => !isSummaryRequest(q.body)).at(-1)!;
    for (const q of server.turnRequests()) expect(wireTokens(q)).toBeLessThanOrEqual(WINDOW);
    const call = after.body.messages.find((m: any) => m.tool_calls)?.tool_calls[0];
    expect(call.function.name).toBe('write');
    const args = JSON.parse(call.function.arguments);
    expect(args.path).toBe('big.txt');
    expect(args.content).toContain(CUT_MARK);
    expect(args.content.startsWith('line 0 of the generated data file\nline 1 ')).toBe(true);
    // The session keeps the original call.
    const stored = ws.records().find((rec) => rec.type === 'message' && rec.message.role === 'assistant');
    expect(stored.message.content[0].args.content).toBe(content);

    const again = await run(['-c', 'what is in it?'], { env, cwd: ws.cwd, timeoutMs: 60_000 });
    expect(again.stdout).toBe('It holds generated data.\n');
    expect(again.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    const last = server.turnRequests().at(-1)!;
    expect(wireTokens(last)).toBeLessThanOrEqual(WINDOW);
    expect(JSON.stringify(last.body.messages)).toContain('what is in it?');
    expect(ws.sessionFiles()).toHaveLength(1);
  });

  it('a tool result larger than the window is cut with a marker and the next request fits', async () => {
    const ws = workspace();
    const lines = Array.from({ length: 1500 }, (_, i) => `row ${String(i).padStart(4, '0')}: ${'data '.repeat(5)}`);
    writeFileSync(join(ws.cwd, 'table.txt'), `${lines.join('\n')}\n`);
    server = await startScriptedServer([{ toolCalls: [{ name: 'read', args: { path: 'table.txt' } }] }, { text: 'Read the table.' }], summaries);
    const r = await run(['--mode', 'json', 'read the table'], { env: openai(server, ws.home, smallWindow), cwd: ws.cwd });
    const events = jsonLines(r.stdout);
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'stop', text: 'Read the table.' });
    // The full result was read and recorded; the request carries its head and tail.
    const result = events.find((e) => e.type === 'tool_result');
    expect(result.content).toContain('row 0600');
    expect(events.find((e) => e.type === 'shrink')).toMatchObject({ count: 1 });
    const after = server.turnRequests().at(-1)!;
    expect(wireTokens(after)).toBeLessThanOrEqual(WINDOW);
    const [sent] = toolMessages(after);
    expect(sent).toContain(CUT_MARK);
    expect(sent).toContain('row 0000');
    expect(sent).toContain('use offset=1191 to continue'); // read's own hint, at the end, survives
    expect(sent).not.toContain('row 0600');
    expect(ws.records().find((rec) => rec.type === 'message' && rec.message.role === 'tool').message.content).toContain('row 0600');
  });

  it('a provider that counts more tokens than the estimate: after "prompt is too long" the history is shrunk further and the retry fits', async () => {
    const ws = workspace();
    // Dense text: this provider counts a token per 2 bytes, where nanocode estimates one per 4 characters.
    const LIMIT_BYTES = WINDOW * 2;
    writeFileSync(join(ws.cwd, 'blob.b64'), `${Buffer.alloc(9000, 7).toString('base64').replace(/.{76}/g, '$&\n')}\n`);
    const rejected: number[] = [];
    server = await startScriptedServer([{ toolCalls: [{ name: 'read', args: { path: 'blob.b64' } }] }, { text: 'It is base64.' }], {
      respond: (body) => {
        if (isSummaryRequest(body)) return { text: SUMMARY_TEXT };
        const bytes = JSON.stringify(body).length;
        if (bytes <= LIMIT_BYTES) return undefined;
        rejected.push(bytes);
        return { fault: { kind: 'status', status: 400, message: `prompt is too long: ${Math.ceil(bytes / 2)} tokens > ${WINDOW} maximum` } };
      },
    });
    const r = await run(['--mode', 'json', 'what is in blob.b64?'], { env: openai(server, ws.home, smallWindow), cwd: ws.cwd });
    const events = jsonLines(r.stdout);
    expect(events.at(-1)).toMatchObject({ type: 'result', reason: 'stop', text: 'It is base64.' });
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    expect(rejected).toHaveLength(1);
    expect(events.find((e) => e.type === 'shrink')).toMatchObject({ count: 1 });
    const last = server.turnRequests().at(-1)!;
    expect(last.bytes).toBeLessThanOrEqual(LIMIT_BYTES);
    expect(toolMessages(last)[0]).toContain(CUT_MARK);
  });

  it('a side question (/btw) that overflows is fitted on a copy: the conversation keeps its messages whole', async () => {
    const ws = workspace();
    const lines = Array.from({ length: 300 }, (_, i) => `row ${String(i).padStart(4, '0')}: ${'data '.repeat(5)}`);
    writeFileSync(join(ws.cwd, 'table.txt'), `${lines.join('\n')}\n`);
    let overflowed = false;
    server = await startScriptedServer([{ toolCalls: [{ name: 'read', args: { path: 'table.txt' } }] }, { text: 'Read the table.' }, { text: 'It has 300 rows.' }, { text: 'Next done.' }], {
      respond: (body) => {
        if (isSummaryRequest(body)) return { text: SUMMARY_TEXT };
        if (overflowed || !JSON.stringify(body.messages.at(-1)).includes('how many rows')) return undefined;
        overflowed = true;
        return { fault: { kind: 'status', status: 400, message: 'prompt is too long' } };
      },
    });
    pane = openPane(openai(server, ws.home, smallWindow), { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    pane.submit('read the table');
    await pane.waitFor('Read the table.');
    pane.submit('/btw how many rows?');
    await pane.waitFor('It has 300 rows.');
    const aside = server.turnRequests().filter((q) => !isSummaryRequest(q.body)).at(-1)!;
    expect(JSON.stringify(aside.body.messages)).toContain(CUT_MARK);
    pane.submit('next');
    await pane.waitFor('Next done.');
    const next = server.turnRequests().at(-1)!;
    expect(JSON.stringify(next.body.messages)).not.toContain(CUT_MARK);
    expect(toolMessages(next)[0]).toContain('row 0150');
    expect(JSON.stringify(next.body.messages)).not.toContain('how many rows');
    pane.submit('/q');
    await pane.waitFor('EXIT:0');
    await expectNoneLeftIn(ws.cwd);
  });

  it('a prompt larger than the window is cut with a marker and answered', async () => {
    const ws = workspace();
    const prompt = `Please look at this log.\n${'2024-01-01 12:00:00 INFO request served in 12 ms\n'.repeat(8000)}What went wrong at the end?`;
    server = await startScriptedServer([{ text: 'Nothing went wrong.' }], summaries);
    const r = await run([], { env: openai(server, ws.home, smallWindow), cwd: ws.cwd, stdin: prompt });
    expect(r.stdout).toBe('Nothing went wrong.\n');
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    const [only] = server.turnRequests();
    expect(wireTokens(only)).toBeLessThanOrEqual(WINDOW);
    const sent = only.body.messages.at(-1).content as string;
    expect(sent.startsWith('Please look at this log.')).toBe(true);
    expect(sent).toContain(CUT_MARK);
    expect(sent.endsWith('What went wrong at the end?')).toBe(true);
  });
});

describe('the compaction summary', () => {
  /** Turns whose outputs fill the small window, so the next request is compacted. */
  const filling: ScriptTurn[] = Array.from({ length: 8 }, (_, i) => ({ toolCalls: [{ name: 'bash', args: { command: `seq 1 1000; echo step ${i}` } }] }));

  it('is never streamed as assistant text, and its tokens and cost are counted (--mode json)', async () => {
    const ws = workspace();
    server = await startScriptedServer([...filling, { text: 'All steps done.' }], thinkingSummaries);
    const r = await run(['--mode', 'json', '--model', 'gpt-4o-mini', 'do the steps'], { env: openai(server, ws.home, smallWindow), cwd: ws.cwd });
    const events = jsonLines(r.stdout);
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    expect(events.filter((e) => e.type === 'compaction').length).toBeGreaterThan(0);
    const streamed = events.filter((e) => e.type === 'text_delta' || e.type === 'reasoning_delta').map((e) => e.text).join('');
    expect(streamed).toBe('All steps done.');
    expect(r.stdout.split('\n').filter((l) => l.includes('SUMMARY-ONLY-WORDS')).every((l) => JSON.parse(l).type === 'compaction')).toBe(true);
    expect(r.stdout).not.toContain('SUMMARY-ONLY-THOUGHTS');
    const result = events.at(-1);
    expect(result).toMatchObject({ type: 'result', reason: 'stop', text: 'All steps done.' });
    expect(JSON.stringify(result)).not.toContain('SUMMARY-ONLY');

    const usage = events.filter((e) => e.type === 'usage');
    const summaryUsage = usage.filter((e) => e.purpose === 'summary');
    expect(summaryUsage.length).toBe(events.filter((e) => e.type === 'compaction').length);
    expect(summaryUsage[0]).toMatchObject({ model: 'gpt-4o-mini', usage: { input: 40_000, output: 2_000 } });
    expect(summaryUsage[0].cost).toBeCloseTo((40_000 * 0.15 + 2_000 * 0.6) / 1e6, 10);
    expect(usage.filter((e) => e.purpose === 'turn')).toHaveLength(9);
    expect(usage.length).toBe(summaryUsage.length + 9);
    // The result counts every request: the turns and the summaries.
    expect(result.usage).toEqual(sumUsage(usage));
    expect(result.usage.input).toBeGreaterThan(40_000 * summaryUsage.length);
    expect(result.cost).toBeCloseTo(usage.reduce((n, e) => n + e.cost, 0), 10);
  });

  it('is not printed in text mode: stdout is the answer alone', async () => {
    const ws = workspace();
    server = await startScriptedServer([...filling, { text: 'All steps done.' }], summaries);
    const r = await run(['do the steps'], { env: openai(server, ws.home, smallWindow), cwd: ws.cwd });
    expect(r.stdout).toBe('All steps done.\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    expect(server.turnRequests().some((q) => isSummaryRequest(q.body))).toBe(true);
    expect(ws.records().some((rec) => rec.type === 'compaction' && rec.summary.content.includes('SUMMARY-ONLY-WORDS'))).toBe(true);
  });

  it('in the REPL, a compaction while the agent works shows its line, not the summary; /tokens counts its tokens', async () => {
    const ws = workspace();
    const answer: ScriptTurn = { text: 'All steps done.', usage: { input: 1000, output: 10 } };
    server = await startScriptedServer([...filling, answer], thinkingSummaries);
    pane = openPane(openai(server, ws.home, smallWindow), { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    pane.submit('do the steps');
    await pane.waitFor('All steps done.');
    const summaries = server.turnRequests().filter((q) => isSummaryRequest(q.body)).length;
    expect(summaries).toBeGreaterThan(0);
    pane.submit('/tokens');
    const screen = await pane.waitFor(/input [\d,]+ .*output [\d,]+/);
    expect(screen).toContain('compacted the conversation');
    expect(screen).not.toContain('SUMMARY-ONLY');
    expect(Number(/output ([\d,]+)/.exec(screen)![1].replace(/,/g, ''))).toBeGreaterThanOrEqual(2_000 * summaries + 10);
    pane.submit('/q');
    await pane.waitFor('EXIT:0');
    await expectNoneLeftIn(ws.cwd);
  });

  it('/compact in the REPL shows a compaction line, not the summary, and /tokens counts its tokens', async () => {
    const ws = workspace();
    const turns: ScriptTurn[] = ['one', 'two', 'three'].flatMap((n) => [{ toolCalls: [{ name: 'bash', args: { command: `seq 1 100; echo ${n}` } }] }, { text: `Answer ${n}.`, usage: { input: 1000, output: 10 } }]);
    server = await startScriptedServer(turns, summaries);
    pane = openPane({ ...openai(server, ws.home), NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '10' }, { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    for (const n of ['one', 'two', 'three']) {
      pane.submit(`step ${n}`);
      await pane.waitFor(`Answer ${n}.`);
    }
    pane.submit('/compact');
    await pane.waitFor('compacted the conversation');
    pane.submit('/tokens');
    const screen = await pane.waitFor(/input [\d,]+ .*output [\d,]+/);
    expect(screen).not.toContain('SUMMARY-ONLY-WORDS');
    const output = Number(/output ([\d,]+)/.exec(screen)![1].replace(/,/g, ''));
    const input = Number(/input ([\d,]+)/.exec(screen)![1].replace(/,/g, ''));
    expect(output).toBeGreaterThanOrEqual(2_000); // the summary's 2,000 output tokens
    expect(input).toBeGreaterThanOrEqual(43_000);
    pane.submit('/q');
    await pane.waitFor('EXIT:0');
    await expectNoneLeftIn(ws.cwd);
  });
});

describe('cost across models', () => {
  it('/model keeps what was spent at the old price: the cost is the sum over the models used', async () => {
    const ws = workspace();
    const million = { input: 1_000_000, output: 0 };
    server = await startScriptedServer([{ text: 'First answer.', usage: million }, { text: 'Second answer.', usage: million }], { models: ['gpt-4o-mini', 'gpt-4o'] });
    pane = openPane({ ...openai(server, ws.home), NANOCODE_MODEL: 'gpt-4o-mini' }, { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    pane.submit('first');
    await pane.waitFor('First answer.');
    await pane.waitFor('$0.1500'); // 1M input tokens at $0.15
    pane.submit('/model gpt-4o');
    await pane.waitFor('Model: gpt-4o');
    expect(pane.screen()).toContain('$0.1500');
    pane.submit('second');
    await pane.waitFor('Second answer.');
    // $0.15 + 1M at $2.50; re-pricing everything at gpt-4o would give $5.00.
    await pane.waitFor('$2.6500');
    pane.submit('/tokens');
    await pane.waitFor('cost $2.6500');
    expect(server.turnRequests().map((q) => q.body.model)).toEqual(['gpt-4o-mini', 'gpt-4o']);
    pane.submit('/q');
    await pane.waitFor('EXIT:0');
    await expectNoneLeftIn(ws.cwd);
  });
});

describe('a side question (/btw)', () => {
  it("is answered aside, and its tokens count in the session's totals (/tokens)", async () => {
    const ws = workspace();
    server = await startScriptedServer([
      { text: 'Main answer.', usage: { input: 1000, output: 10 } },
      { text: 'Aside answer.', usage: { input: 50_000, output: 500 } },
    ]);
    pane = openPane(openai(server, ws.home), { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    pane.submit('main question');
    await pane.waitFor('Main answer.');
    pane.submit('/btw a side question');
    await pane.waitFor('Aside answer.');
    pane.submit('/tokens');
    await pane.waitFor(/input 51,000 .*output 510 /);
    pane.submit('/q');
    await pane.waitFor('EXIT:0');
    await expectNoneLeftIn(ws.cwd);
  });
});

describe('the repeat guard', () => {
  it('polling with the same command is not stopped while its output changes', async () => {
    const ws = workspace();
    const poll = { name: 'bash', args: { command: 'echo tick >> build.log; wc -l < build.log' } };
    server = await startScriptedServer([...Array.from({ length: 8 }, () => ({ toolCalls: [poll] })), { text: 'The build finished.' }]);
    const r = await run(['wait for the build'], { env: openai(server, ws.home), cwd: ws.cwd });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('The build finished.\n');
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    expect(readFileSync(join(ws.cwd, 'build.log'), 'utf8')).toBe('tick\n'.repeat(8));
    expect(toolMessages(server.turnRequests().at(-1)!).map((c) => c.split('\n')[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });

  it('the same call with the same result five times stops a headless run with exit 1', async () => {
    const ws = workspace();
    writeFileSync(join(ws.cwd, 'status.txt'), 'building\n');
    const same = { name: 'bash', args: { command: 'cat status.txt' } };
    server = await startScriptedServer(Array.from({ length: 7 }, () => ({ toolCalls: [same] })));
    const r = await run(['wait for the build'], { env: openai(server, ws.home), cwd: ws.cwd });
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('nanocode: Stopped: the model made the same call 5 times in a row with the same result: bash {"command":"cat status.txt"}');
    expect(r.code).toBe(1);
    await expectNoneLeftIn(ws.cwd);
    expect(server.turnRequests()).toHaveLength(5);
    expect(ws.records().filter((rec) => rec.type === 'message' && rec.message.role === 'tool')).toHaveLength(5);
  });

  it('the failure warning counts one call only: a different failing call starts again', async () => {
    const ws = workspace();
    const read = (path: string): ScriptTurn => ({ toolCalls: [{ name: 'read', args: { path } }] });
    server = await startScriptedServer([read('a.txt'), read('a.txt'), read('b.txt'), read('b.txt'), read('b.txt'), { text: 'Neither file exists.' }]);
    const r = await run(['read a or b'], { env: openai(server, ws.home), cwd: ws.cwd });
    expect(r.stdout).toBe('Neither file exists.\n');
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    const warned = toolMessages(server.turnRequests().at(-1)!).map((c) => c.includes('has now failed 3 times in a row'));
    expect(warned).toEqual([false, false, false, false, true]);
  });

  it('in the REPL a stuck model asks whether to go on: y lets it, n stops it', async () => {
    const ws = workspace();
    const marker = uniqueName('guard');
    names.push(marker);
    writeFileSync(join(ws.cwd, 'status.txt'), 'building\n');
    const same: ScriptTurn = { toolCalls: [{ name: 'bash', args: { command: `(exec -a ${marker} sleep 0); cat status.txt` } }] };
    server = await startScriptedServer([...Array.from({ length: 5 }, () => same), { text: 'Done waiting.' }, ...Array.from({ length: 5 }, () => same), { text: 'never sent' }]);
    pane = openPane(openai(server, ws.home), { cwd: ws.cwd });
    await pane.waitFor('/help for commands');
    pane.submit('wait for the build');
    await pane.waitFor('same call 5 times in a row with the same result');
    expect(pane.screen()).toMatch(/Let it go on\? \(y\/N\)/);
    pane.type('y');
    await pane.waitFor('Done waiting.');
    expect(server.turnRequests()).toHaveLength(6);

    pane.submit('wait again');
    await pane.waitFor(/Let it go on\? \(y\/N\)[\s\S]*Let it go on\? \(y\/N\)/);
    pane.type('n');
    const screen = await pane.waitFor('Stopped: the model made the same call 5 times');
    expect(screen).not.toContain('never sent');
    expect(server.turnRequests()).toHaveLength(11);
    expect(server.remaining()).toBe(1);
    pane.submit('/q');
    await pane.waitFor('EXIT:0');
    await expectGone(marker);
    await expectNoneLeftIn(ws.cwd);
  });
});

describe('compaction layers', () => {
  it('the summary request fits the window even when a long history is summarised at once', async () => {
    const ws = workspace();
    const turns: ScriptTurn[] = Array.from({ length: 80 }, (_, i) => ({ toolCalls: [{ name: 'bash', args: { command: `seq 1 100; echo round ${i}` } }] }));
    const tooLong: ScriptTurn = { fault: { kind: 'status', status: 400, message: "This model's maximum context length is 6000 tokens." } };
    server = await startScriptedServer([...turns, tooLong, { text: 'Finished.' }], summaries);
    // Automatic compaction off: the whole history waits for the overflow.
    const r = await run(['--mode', 'json', '--max-turns', '100', 'eighty rounds'], { env: openai(server, ws.home, { ...smallWindow, NANOCODE_COMPACTION: '0' }), cwd: ws.cwd, timeoutMs: 60_000 });
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'result', reason: 'stop', text: 'Finished.' });
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    const summary = server.turnRequests().find((q) => isSummaryRequest(q.body))!;
    expect(summary.body.messages[1].content).toContain('round 0');
    expect(wireTokens(summary)).toBeLessThanOrEqual(WINDOW);
    expect(wireTokens(server.turnRequests().at(-1)!)).toBeLessThanOrEqual(WINDOW);
  });

  it('past half the window, old large tool outputs are snipped before the next request (no summary needed)', async () => {
    const ws = workspace();
    const turns: ScriptTurn[] = Array.from({ length: 6 }, (_, i) => ({ toolCalls: [{ name: 'bash', args: { command: `seq 1000 2400; echo output ${i}` } }] }));
    server = await startScriptedServer([...turns, { text: 'Counted.' }], summaries);
    const r = await run(['--mode', 'json', 'count'], { env: openai(server, ws.home, { NANOCODE_CONTEXT_WINDOW_TOKENS: '16000', NANOCODE_COMPACTION_RESERVE_TOKENS: '1000' }), cwd: ws.cwd });
    const events = jsonLines(r.stdout);
    expect(r.code).toBe(0);
    await expectNoneLeftIn(ws.cwd);
    expect(events.some((e) => e.type === 'compaction')).toBe(false);
    expect(events.filter((e) => e.type === 'snip').length).toBeGreaterThan(0);
    const last = server.turnRequests().at(-1)!;
    const outputs = toolMessages(last);
    expect(outputs).toHaveLength(6);
    // The oldest outputs are cut to head and tail; the three latest turns stay whole.
    expect(outputs[0]).toMatch(/lines snipped to save context/);
    expect(outputs[0]).toContain('1000\n1001');
    expect(outputs[0]).toContain('output 0');
    expect(outputs[0]).not.toContain('\n1700\n');
    for (const o of outputs.slice(-3)) expect(o).toContain('\n1700\n');
    // The session keeps the whole outputs.
    const stored = ws.records().filter((rec) => rec.type === 'message' && rec.message.role === 'tool');
    expect(stored[0].message.content).toContain('\n1700\n');
  });
});
