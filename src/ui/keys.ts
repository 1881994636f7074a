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

/** Stateful: a paste or an escape sequence may arrive split across chunks. */
export class KeyReader {
  private buffer = '';
  private pasting: string | undefined;

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
          this.pasting += this.buffer;
          this.buffer = '';
          break;
        }
        keys.push({ name: 'paste', text: (this.pasting + this.buffer.slice(0, end)).replace(/\r\n?/g, '\n') });
        this.pasting = undefined;
        this.buffer = this.buffer.slice(end + PASTE_END.length);
        continue;
      }
      const c = this.buffer[0];
      if (c === '\x1b') {
        if (this.buffer.startsWith(PASTE_START)) {
          flushText();
          this.pasting = '';
          this.buffer = this.buffer.slice(PASTE_START.length);
          continue;
        }
        const m = /^\x1b(?:\[([0-9;]*[A-Za-z~])|O([A-Za-z]))/.exec(this.buffer);
        if (m) {
          flushText();
          const name = CSI[m[1] ?? m[2]];
          if (name) keys.push({ name } as Key);
          this.buffer = this.buffer.slice(m[0].length);
          continue;
        }
        if (this.buffer === '\x1b' || this.buffer === '\x1b[' ) {
          // A lone Escape (or the start of a sequence cut across chunks: treated as Escape).
          flushText();
          keys.push({ name: 'escape' });
          this.buffer = '';
          break;
        }
        // Alt+Enter is a newline; other Alt combinations are ignored.
        flushText();
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
