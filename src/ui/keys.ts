// Turns raw terminal input into keys: control characters, escape sequences
// (arrows, Home/End, Delete, Shift+Enter forms) and bracketed paste.

export type Key =
  | { name: 'text'; text: string }
  | { name: 'paste'; text: string }
  | {
      name:
        | 'enter'
        | 'newline'
        | 'backspace'
        | 'delete'
        | 'left'
        | 'right'
        | 'up'
        | 'down'
        | 'home'
        | 'end'
        | 'tab'
        | 'shift-tab'
        | 'escape'
        | 'ctrl-c'
        | 'ctrl-d'
        | 'ctrl-k'
        | 'ctrl-u'
        | 'ctrl-w'
        | 'ctrl-l'
        | 'ctrl-o'
        | 'word-left'
        | 'word-right';
    };

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

const CSI: Record<string, Key['name']> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  '1~': 'home',
  '7~': 'home',
  '4~': 'end',
  '8~': 'end',
  '3~': 'delete',
  '13;2u': 'newline', // Shift+Enter (kitty keyboard protocol)
  '27;2;13~': 'newline', // Shift+Enter (xterm modifyOtherKeys)
  '1;5D': 'word-left',
  '1;5C': 'word-right',
  '1;3D': 'word-left',
  '1;3C': 'word-right',
  Z: 'shift-tab',
};

const CONTROL: Record<string, Key['name']> = {
  '\r': 'enter',
  '\n': 'newline', // Ctrl+J
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\t': 'tab',
  '\x01': 'home',
  '\x05': 'end',
  '\x02': 'left',
  '\x06': 'right',
  '\x03': 'ctrl-c',
  '\x04': 'ctrl-d',
  '\x0b': 'ctrl-k',
  '\x15': 'ctrl-u',
  '\x17': 'ctrl-w',
  '\x0c': 'ctrl-l',
  '\x0f': 'ctrl-o',
};

/** An escape sequence cut off at the end of a read: its rest is still coming. */
const INCOMPLETE = /^\x1b(?:\[[0-?]*[ -/]*|O)?$/;
/** How long a lone Esc waits for the rest of a sequence before it counts as Escape. */
export const ESCAPE_WAIT_MS = 50;

/**
 * Stateful: a paste or an escape sequence may arrive split across chunks. An
 * incomplete sequence at the end of a chunk waits for the next one; if none
 * comes within ESCAPE_WAIT_MS, the caller calls flush() and it is Escape.
 */
export class KeyReader {
  private buffer = '';
  private pasting: string | undefined;

  /** True while the end of the input may be the start of a sequence. */
  get waiting(): boolean {
    return this.pasting === undefined && INCOMPLETE.test(this.buffer);
  }

  /** The held-back input, now that no more came: a lone Escape (the rest of a cut sequence is dropped). */
  flush(): Key[] {
    if (!this.waiting || !this.buffer) return [];
    this.buffer = '';
    return [{ name: 'escape' }];
  }

  feed(chunk: string): Key[] {
    this.buffer += chunk;
    const keys: Key[] = [];
    let text = '';
    const flushText = () => {
      if (text) keys.push({ name: 'text', text });
      text = '';
    };
    while (this.buffer.length) {
      if (this.pasting !== undefined) {
        const end = this.buffer.indexOf(PASTE_END);
        if (end === -1) {
          // Keep a possible start of the end marker for the next chunk.
          const keep = partialSuffix(this.buffer, PASTE_END);
          this.pasting += this.buffer.slice(0, this.buffer.length - keep);
          this.buffer = this.buffer.slice(this.buffer.length - keep);
          break;
        }
        keys.push({ name: 'paste', text: (this.pasting + this.buffer.slice(0, end)).replace(/\r\n?/g, '\n') });
        this.pasting = undefined;
        this.buffer = this.buffer.slice(end + PASTE_END.length);
        continue;
      }
      const c = this.buffer[0];
      if (c === '\x1b') {
        if (INCOMPLETE.test(this.buffer)) break; // wait for the rest (or flush())
        if (this.buffer.startsWith(PASTE_START)) {
          flushText();
          this.pasting = '';
          this.buffer = this.buffer.slice(PASTE_START.length);
          continue;
        }
        // CSI (ECMA-48: parameters, intermediates, a final byte) or SS3.
        const m = /^\x1b(?:\[([0-?]*[ -/]*[@-~])|O([A-Za-z]))/.exec(this.buffer);
        flushText();
        if (m) {
          const name = CSI[m[1] ?? m[2]];
          if (name) keys.push({ name } as Key);
          this.buffer = this.buffer.slice(m[0].length);
          continue;
        }
        // Esc Esc is two Escapes; Alt+Enter is a newline; other Alt combinations are ignored.
        if (this.buffer[1] === '\x1b') {
          keys.push({ name: 'escape' });
          this.buffer = this.buffer.slice(1);
          continue;
        }
        if (this.buffer[1] === '\r') keys.push({ name: 'newline' });
        this.buffer = this.buffer.slice(2);
        continue;
      }
      const control = CONTROL[c];
      if (control) {
        flushText();
        keys.push({ name: control } as Key);
      } else if (c >= ' ' || c > '\x7f') {
        text += c;
      }
      this.buffer = this.buffer.slice(1);
    }
    flushText();
    return keys;
  }
}

/** Length of the longest end of `s` that is a proper start of `marker`. */
function partialSuffix(s: string, marker: string): number {
  for (let n = Math.min(s.length, marker.length - 1); n > 0; n--) if (marker.startsWith(s.slice(-n))) return n;
  return 0;
}
