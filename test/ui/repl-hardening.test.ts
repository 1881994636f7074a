// Issue 8 in the interactive terminal: the binary in tmux against the
// scripted model server. Retries, thinking, commands, command summaries,
// tables and long code blocks, as a user sees them.
import { afterEach, expect, it } from 'vitest';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';
import { expectGone, killAll, pidsOf, uniqueName, waitUntil } from '../support/scenario.ts';
import { openPane, type Pane } from '../support/tmux.ts';

let server: ScriptedServer | undefined;
let pane: Pane | undefined;
afterEach(async () => {
  pane?.kill();
  pane = undefined;
  await server?.close();
});

const env = (s: ScriptedServer) => ({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' });
const occurrences = (screen: string, text: string) => screen.split(text).length - 1;
/** The rows of the screen, trailing blanks trimmed. */
const rows = (screen: string) => screen.split('\n').map((r) => r.trimEnd());

async function start(script: Parameters<typeof startScriptedServer>[0], opts: { width?: number; height?: number } = {}): Promise<Pane> {
  server = await startScriptedServer(script);
  pane = openPane(env(server), opts);
  await pane.waitFor('/help for commands');
  return pane;
}

it('a retry mid-stream drops the partial answer: each line shows once', async () => {
  const answer = 'Short line.\n\nSecond paragraph, line one.\nSecond paragraph, line two.\n\nThe end.\n';
  // The first 16-byte piece (a whole line and a blank one) arrives, then a broken chunk fails the stream.
  const p = await start([{ text: answer, fault: { kind: 'malformed' } }, { text: answer }]);
  p.submit('tell me');
  const screen = await p.waitFor(/^The end\.$/m);
  expect(screen).toMatch(/↻ retrying in .* \(attempt 1 of \d+\)/);
  expect(occurrences(screen, 'Short line.')).toBe(1);
  expect(occurrences(screen, 'Second paragraph, line one.')).toBe(1);
  expect(server!.turnRequests()).toHaveLength(2);
  // The retry notice comes before the answer, which is whole.
  const r = rows(screen);
  const at = r.indexOf('Short line.');
  expect(r.findIndex((l) => l.startsWith('↻ retrying'))).toBeLessThan(at);
  expect(r.slice(at, at + 6)).toEqual(['Short line.', '', 'Second paragraph, line one.', 'Second paragraph, line two.', '', 'The end.']);
});

it('Ctrl-O shows the last thinking after the turn, and "1 more line" is singular', async () => {
  const p = await start([{ reasoning: 'Weighing the options.\nOption B is simpler.', text: 'Use option B.' }]);
  p.submit('which option?');
  await p.waitFor(/^Use option B\.$/m);
  expect(p.screen()).toContain('✻ Weighing the options. … 1 more line (ctrl-o shows it)');
  expect(p.screen()).not.toMatch(/^Option B is simpler\.$/m);
  p.keys('C-o');
  const screen = await p.waitFor(/^Option B is simpler\.$/m);
  expect(rows(screen)).toContain('Weighing the options.');
});

it('/compact says when there is nothing to compact', async () => {
  const p = await start([{ text: 'Hello.' }]);
  p.submit('hi');
  await p.waitFor(/^Hello\.$/m);
  p.submit('/compact');
  await p.waitFor(/Nothing to compact: the conversation \(2 messages, about [\d,]+ tokens\) is too short to summarise\./);
  expect(server!.turnRequests()).toHaveLength(1); // no summary was asked for
});

it('/q leaves a clean screen like Ctrl-D', async () => {
  const p = await start([]);
  p.submit('/q');
  const screen = await p.waitFor('EXIT:0');
  // Neither the prompt nor the status line is left behind, and nothing follows the exit.
  expect(screen).not.toMatch(/^›/m);
  expect(screen).not.toContain('scripted-model · ctx');
  const r = rows(screen).filter(Boolean);
  expect(r.at(-1)).toBe('EXIT:0');
  expect(r.at(-2)).toContain('/help for commands');
});

it('a command result gives its line count and last line, or its one line', async () => {
  const p = await start([
    { toolCalls: [{ name: 'bash', args: { command: 'seq 3000' } }] },
    { toolCalls: [{ name: 'bash', args: { command: 'echo just one' } }] },
    { toolCalls: [{ name: 'bash', args: { command: 'printf "a\\nb\\n"; exit 3' } }] },
    { toolCalls: [{ name: 'bash', args: { command: 'seq 300000' } }] },
    { text: 'Counted.' },
  ]);
  p.submit('count');
  const screen = await p.waitFor(/^Counted\.$/m);
  const r = rows(screen);
  const seq = r.indexOf('⏺ bash(seq 3000)');
  expect(r[seq + 1]).toMatch(/^ {2}⎿ 3000 lines \(\d+\.\d s\)$/);
  expect(r[seq + 2]).toBe('    3000');
  expect(screen).toMatch(/^ {2}⎿ just one \(\d+\.\d s\)$/m);
  const failed = r.indexOf('⏺ bash(printf "a\\nb\\n"; exit 3)');
  expect(r[failed + 1]).toMatch(/^ {2}⎿ exit code 3: 2 lines \(\d+\.\d s\)$/);
  expect(r[failed + 2]).toBe('    b');
  // Output cut for the model is still counted in full (the tool's details).
  const big = r.indexOf('⏺ bash(seq 300000)');
  expect(r[big + 1]).toMatch(/^ {2}⎿ 300000 lines \(\d+\.\d s\)$/);
  expect(r[big + 2]).toBe('    300000');
});

it('renders a markdown table as a table with aligned columns and inline markdown', async () => {
  const table = 'Results:\n\n| Test | Time (ms) | Notes |\n|:-----|----------:|-------|\n| **parse** | 12 | uses `fast` path |\n| render | 7 | ok |\n\nAll good.\n';
  const p = await start([{ text: table }]);
  p.submit('results?');
  const screen = await p.waitFor(/^All good\.$/m);
  const r = rows(screen);
  const top = r.findIndex((l) => l.startsWith('┌'));
  expect(r.slice(top, top + 6)).toEqual([
    '┌────────┬───────────┬────────────────┐',
    '│ Test   │ Time (ms) │ Notes          │',
    '├────────┼───────────┼────────────────┤',
    '│ parse  │        12 │ uses fast path │',
    '│ render │         7 │ ok             │',
    '└────────┴───────────┴────────────────┘',
  ]);
  expect(screen).not.toContain('|---');
  expect(screen).not.toContain('**');
});

it('/tools shows whole descriptions, wrapped at word boundaries', async () => {
  const p = await start([], { width: 60 });
  p.submit('/tools');
  const screen = await p.waitFor(/^write {7} /m);
  const r = rows(screen);
  const at = r.findIndex((l) => l.startsWith('bash '));
  const block: string[] = [];
  for (let i = at; r[i]; i++) block.push(r[i]);
  expect(block.length).toBeGreaterThan(3);
  for (const row of block) expect(row.length).toBeLessThanOrEqual(60);
  const text = block.map((row) => row.slice(13)).join(' ');
  expect(text).toContain('Run a bash command. The shell persists between calls');
  expect(text).toMatch(/Default timeout \d+ s, at most \d+ s\.$/);
  // Every row break falls between words: no word is split across rows.
  for (const word of text.split(' ')) expect(screen.includes(word)).toBe(true);
});

it('streams a code block longer than the terminal: every line once, in order, and a usable prompt', async () => {
  const code = Array.from({ length: 120 }, (_, i) => `const line${i + 1} = ${i + 1};`);
  const p = await start([{ text: `Here:\n\n\`\`\`js\n${code.join('\n')}\n\`\`\`\n\nDone.\n` }], { width: 60, height: 20 });
  p.submit('write code');
  const screen = await p.waitFor(/^Done\.$/m);
  const r = rows(screen);
  const open = r.indexOf('╭─ js');
  expect(r.slice(open + 1, open + 121)).toEqual(code.map((l) => `│ ${l}`));
  expect(r[open + 121]).toBe('╰─');
  for (const l of code) expect(occurrences(screen, `${l}\n`)).toBe(1);
  // The live region is intact below the answer.
  expect(r.filter((l) => l.startsWith('scripted-model · ctx'))).toHaveLength(1);
  expect(r.filter((l) => l.startsWith('›'))).toHaveLength(2); // the question and the empty prompt
});

it('a lone Esc still interrupts a running command', async () => {
  const sleeper = uniqueName('esc');
  const p = await start([{ toolCalls: [{ name: 'bash', args: { command: `(exec -a ${sleeper} sleep 1000)` } }] }, { text: 'unused' }]);
  try {
    p.submit('wait');
    await waitUntil(() => pidsOf(sleeper).length === 1, 'the command to start');
    p.keys('Escape');
    await p.waitFor('Interrupted');
    await expectGone(sleeper);
    expect(server!.turnRequests()).toHaveLength(1);
  } finally {
    killAll(sleeper);
  }
});
