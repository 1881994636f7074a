// The renderer against a virtual terminal: streaming a long markdown answer
// rewrites only the live region, and the final screen is right.
import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { plain } from '../../src/ui/ansi.ts';
import { Screen } from '../../src/ui/screen.ts';
import { Transcript } from '../../src/ui/transcript.ts';

function virtualTerminal(cols = 80, rows = 24) {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 10_000 });
  // Written through to the terminal when the test reads it (one parse, not one per frame).
  let pending = '';
  const out = {
    columns: cols,
    rows,
    isTTY: true,
    write(s: string) {
      pending += s;
    },
  };
  const lines = async () => {
    await new Promise<void>((r) => term.write(pending, r));
    pending = '';
    const b = term.buffer.active;
    return Array.from({ length: b.length }, (_, i) => b.getLine(i)!.translateToString(true));
  };
  const viewport = async () => {
    const all = await lines();
    const b = term.buffer.active;
    return all.slice(b.viewportY, b.viewportY + rows);
  };
  return { term, out, lines, viewport };
}

describe('Screen', () => {
  it('rewrites only the rows that changed', async () => {
    const vt = virtualTerminal();
    const screen = new Screen(vt.out);
    screen.render(['one', 'two', 'three']);
    const before = screen.bytesWritten;
    screen.render(['one', 'TWO', 'three']);
    const frame = screen.bytesWritten - before;
    expect(frame).toBeLessThan(40);
    const again = screen.bytesWritten;
    screen.render(['one', 'TWO', 'three']);
    expect(screen.bytesWritten).toBe(again); // nothing changed, nothing written
    expect((await vt.viewport()).slice(0, 3)).toEqual(['one', 'TWO', 'three']);
  });

  it('commits lines above the live region and shrinks it cleanly', async () => {
    const vt = virtualTerminal();
    const screen = new Screen(vt.out);
    screen.render(['live 1', 'live 2', 'live 3']);
    screen.commit(['done A', 'done B'], ['live only']);
    expect((await vt.viewport()).slice(0, 4)).toEqual(['done A', 'done B', 'live only', '']);
  });

  it('streams 2,000 lines of markdown with per-frame output bounded by the live region', async () => {
    const vt = virtualTerminal(80, 24);
    const screen = new Screen(vt.out);
    const transcript = new Transcript(plain, true);
    const prompt = ['', '› ', 'model · ctx 1%'];
    const frames: number[] = [];
    const frame = (commit: string[]) => {
      const before = screen.bytesWritten;
      const live = [...transcript.live(0, 80), ...prompt];
      if (commit.length) screen.commit(commit, live);
      else screen.render(live);
      frames.push(screen.bytesWritten - before);
    };
    const source: string[] = [];
    for (let i = 1; i <= 2000; i++) {
      if (i % 50 === 1) source.push(`## Section ${Math.ceil(i / 50)}`, '');
      source.push(i % 10 === 0 ? '' : `Line ${i} with some **bold** text and \`code\`.`);
    }
    const text = source.join('\n') + '\n';
    frame(transcript.handle({ type: 'turn_start', turn: 1 }));
    for (let i = 0; i < text.length; i += 37) frame(transcript.handle({ type: 'text_delta', text: text.slice(i, i + 37) }));
    frame(transcript.handle({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text }] } }));
    frame(transcript.handle({ type: 'done', reason: 'stop', text, turns: 1, usage: { input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0 } }));

    // No frame redraws the whole history: each is bounded by the live region plus the committed block.
    expect(Math.max(...frames)).toBeLessThan(2500);
    // Frames cost about the text they add plus a few cursor moves, never the history.
    expect(screen.bytesWritten / frames.length).toBeLessThan(200);

    const all = (await vt.lines()).map((l) => l.trimEnd()).filter((l) => l !== '');
    expect(all.filter((l) => /^Line \d+ with some bold text and code\.$/.test(l))).toHaveLength(1800);
    expect(all.filter((l) => /^Section \d+$/.test(l))).toHaveLength(40);
    expect(all.slice(-4)).toEqual(['Line 1998 with some bold text and code.', 'Line 1999 with some bold text and code.', '›', 'model · ctx 1%']);
  });

  it('re-wraps the live region to the width', async () => {
    const vt = virtualTerminal(20, 10);
    const screen = new Screen(vt.out);
    screen.render(['x'.repeat(30)]);
    expect((await vt.viewport()).slice(0, 2)).toEqual(['x'.repeat(20), 'x'.repeat(10)]);
  });

  it('keeps a live region taller than the terminal to its last rows, and redraws it cleanly', async () => {
    const vt = virtualTerminal(40, 10);
    const screen = new Screen(vt.out);
    const tall = Array.from({ length: 30 }, (_, i) => `row ${i + 1}`);
    screen.render(tall, { row: 29, col: 0 });
    expect(await vt.viewport()).toEqual(tall.slice(-10));
    // Rows above the screen changed too: they cannot be reached, and are not drawn over the ones below.
    screen.render(['row 1 changed', ...tall.slice(1, 29), 'row 30 changed'], { row: 29, col: 0 });
    expect(await vt.viewport()).toEqual([...tall.slice(20, 29), 'row 30 changed']);
    screen.commit(['committed'], ['live']);
    expect((await vt.viewport()).slice(0, 3)).toEqual(['committed', 'live', '']);
  });

  it('erases what was committed since the mark while it is on the screen, and only that', async () => {
    const vt = virtualTerminal(40, 12);
    const screen = new Screen(vt.out);
    const live = ['', '› ', 'status'];
    screen.render(live);
    screen.commit(['› question', ''], live);
    screen.mark();
    screen.commit(['partial one', 'partial two'], live);
    screen.render(['partial thr', ...live]);
    expect(screen.erase()).toBe(true);
    screen.commit(['↻ retrying'], live);
    expect((await vt.viewport()).slice(0, 6)).toEqual(['› question', '', '↻ retrying', '', '› ', 'status']);
  });

  it('does not erase past the top of the screen: what scrolled off stays, and erase says so', async () => {
    const vt = virtualTerminal(40, 8);
    const screen = new Screen(vt.out);
    const live = ['› ', 'status'];
    screen.render(live);
    screen.mark();
    screen.commit(Array.from({ length: 7 }, (_, i) => `partial ${i + 1}`), live);
    const written = screen.bytesWritten;
    expect(screen.erase()).toBe(false);
    expect(screen.bytesWritten).toBe(written);
    expect((await vt.lines()).map((l) => l.trimEnd()).filter(Boolean)).toEqual([...Array.from({ length: 7 }, (_, i) => `partial ${i + 1}`), '›', 'status']);
  });

  it('streams a code block of 3,000 lines: the scrollback is exact and the work per delta does not grow', async () => {
    const vt = virtualTerminal(80, 24);
    const screen = new Screen(vt.out);
    const transcript = new Transcript(plain, true, () => 80);
    const prompt = ['', '› ', 'model · ctx 1%'];
    const frames: number[] = [];
    const frame = (commit: string[]) => {
      const before = screen.bytesWritten;
      const live = [...transcript.live(0, 80), ...prompt];
      if (commit.length) screen.commit(commit, live);
      else screen.render(live);
      frames.push(screen.bytesWritten - before);
    };
    const code = Array.from({ length: 3000 }, (_, i) => `  const value${i + 1} = compute(${i + 1}, "item ${i + 1}"); // step ${i + 1}`);
    const text = `Here is the code:\n\n\`\`\`ts\n${code.join('\n')}\n\`\`\`\n\nDone.\n`;
    frame(transcript.handle({ type: 'turn_start', turn: 1 }));
    const start = frames.length;
    for (let i = 0; i < text.length; i += 29) {
      frame(transcript.handle({ type: 'text_delta', text: text.slice(i, i + 29) }));
      frame([]); // a spinner tick between deltas
    }
    const streamed = frames.slice(start);
    frame(transcript.handle({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text }] } }));
    frame(transcript.handle({ type: 'done', reason: 'stop', text, turns: 1, usage: { input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0 } }));

    const all = (await vt.lines()).map((l) => l.trimEnd());
    while (all.at(-1) === '') all.pop();
    expect(all).toEqual(['Here is the code:', '', '╭─ ts', ...code.map((l) => `│ ${l}`), '╰─', '', 'Done.', '', '', '›', 'model · ctx 1%']);
    // The same work per delta at the end of the block as at its start: nothing re-renders what came before.
    const early = streamed.slice(0, 2000);
    const late = streamed.slice(-2000);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(late)).toBeLessThan(sum(early) * 1.1);
    expect(Math.max(...streamed)).toBeLessThan(400);
  });
});
