// Raw input to keys: escape sequences and pastes cut across reads wait for
// their rest; only a lone Esc, once nothing more comes, is Escape.
import { describe, expect, it } from 'vitest';
import { KeyReader } from '../../src/ui/keys.ts';

const names = (keys: { name: string }[]) => keys.map((k) => k.name);

describe('KeyReader', () => {
  it('waits for the rest of a sequence cut after ESC [', () => {
    const r = new KeyReader();
    expect(r.feed('\x1b[')).toEqual([]);
    expect(r.waiting).toBe(true);
    expect(names(r.feed('A'))).toEqual(['up']);
    expect(r.waiting).toBe(false);
    expect(r.flush()).toEqual([]);
  });

  it('waits across several cuts, and after typed text', () => {
    const r = new KeyReader();
    expect(r.feed('ab\x1b')).toEqual([{ name: 'text', text: 'ab' }]);
    expect(r.feed('[1;')).toEqual([]);
    expect(names(r.feed('5Cc'))).toEqual(['word-right', 'text']);
  });

  it('reads a lone Esc as Escape once no more input comes', () => {
    const r = new KeyReader();
    expect(r.feed('\x1b')).toEqual([]);
    expect(r.waiting).toBe(true);
    expect(names(r.flush())).toEqual(['escape']);
    expect(r.waiting).toBe(false);
    // A cut sequence that never completes is Escape too, not stray text.
    r.feed('\x1b[');
    expect(names(r.flush())).toEqual(['escape']);
    expect(r.feed('x')).toEqual([{ name: 'text', text: 'x' }]);
  });

  it('reads Esc Esc as two Escapes and Alt+Enter as a newline', () => {
    const r = new KeyReader();
    expect(names(r.feed('\x1b\x1b'))).toEqual(['escape']);
    expect(names(r.flush())).toEqual(['escape']);
    expect(names(r.feed('\x1b\r'))).toEqual(['newline']);
  });

  it('swallows sequences it does not know, whatever their bytes', () => {
    const r = new KeyReader();
    expect(r.feed('\x1b[?1;2cx\x1b[>0;1;2cy\x1b[Iz')).toEqual([
      { name: 'text', text: 'x' },
      { name: 'text', text: 'y' },
      { name: 'text', text: 'z' },
    ]);
    expect(names(r.feed('\x1bOA'))).toEqual(['up']);
  });

  it('keeps a paste whole when its end marker is cut across reads', () => {
    const r = new KeyReader();
    expect(r.feed('\x1b[20')).toEqual([]);
    expect(r.feed('0~line 1\r\nline 2\x1b[20')).toEqual([]);
    expect(r.waiting).toBe(false); // inside a paste, Esc is not a key
    expect(r.feed('1~!')).toEqual([
      { name: 'paste', text: 'line 1\nline 2' },
      { name: 'text', text: '!' },
    ]);
  });
});
