// Streamed markdown, line by line: the same lines whatever the deltas,
// tables as tables that fit the width, code blocks closed by their fence.
import { describe, expect, it } from 'vitest';
import { colors, plain, stripAnsi, visibleWidth } from '../../src/ui/ansi.ts';
import { StreamingMarkdown } from '../../src/ui/markdown.ts';

/** Streams `text` in pieces of `size`, committing as a terminal would; returns every committed line. */
function stream(text: string, size: number, width = 80, style = plain): string[] {
  const md = new StreamingMarkdown(style, () => width);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) {
    md.push(text.slice(i, i + size));
    out.push(...md.take());
    md.pending();
  }
  return [...out, ...md.flush()];
}

describe('StreamingMarkdown', () => {
  it('gives the same lines for any delta size', () => {
    const text = '# Title\nIntro with **bold** and `code`.\n\n- one\n- two\n```py\nx = 1\n```\nAfter the code.\n\n> quoted\n';
    const expected = ['Title', 'Intro with bold and code.', '', '• one', '• two', '', '╭─ py', '│ x = 1', '╰─', '', 'After the code.', '', '│ quoted', ''];
    for (const size of [1, 3, 7, 1000]) expect(stream(text, size)).toEqual(expected);
  });

  it('ends a code block only at a fence as long as the one that opened it', () => {
    expect(stream('````md\n```js\nx\n```\n````\n', 5)).toEqual(['╭─ md', '│ ```js', '│ x', '│ ```', '╰─', '']);
  });

  it('renders a table with aligned columns, alignment and inline markdown', () => {
    const text = '| Name | Size | Kind |\n|---|--:|:-:|\n| `a.ts` | 1200 | **code** |\n| b.md | 3 | doc |\nNext.\n';
    expect(stream(text, 4)).toEqual([
      '┌──────┬──────┬──────┐',
      '│ Name │ Size │ Kind │',
      '├──────┼──────┼──────┤',
      '│ a.ts │ 1200 │ code │',
      '│ b.md │    3 │ doc  │',
      '└──────┴──────┴──────┘',
      '',
      'Next.',
      '',
    ]);
  });

  it('fits a wide table to the width, wrapping cells at word boundaries', () => {
    const long = 'a cell with a great many words that cannot fit on one line of a narrow terminal';
    const text = `| Key | Value |\n|---|---|\n| first | ${long} |\n| **second** | short |\n`;
    const lines = stream(text, 9, 40, colors);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(40);
    const rows = lines.map(stripAnsi);
    expect(rows[0]).toBe('┌────────┬─────────────────────────────┐');
    const cells = rows.filter((r) => r.startsWith('│ ') && !r.includes('Key')).map((r) => r.split('│')[2].trim());
    expect(cells.join(' ').replace(/ short$/, '')).toBe(long);
    expect(rows.some((r) => /^│ second +│ short +│$/.test(r))).toBe(true);
  });

  it('leaves lines with a pipe that are not a table as they are', () => {
    expect(stream('Run a | b to pipe.\nThen stop.\n', 6)).toEqual(['Run a | b to pipe.', 'Then stop.', '']);
  });
});
