// The prompt's line editor: a multi-line buffer with a cursor, and history.

export class Editor {
  text = '';
  cursor = 0;
  private history: string[];
  private historyIndex: number;
  private draft = '';

  constructor(history: string[] = []) {
    this.history = history;
    this.historyIndex = history.length;
  }

  set(text: string): void {
    this.text = text;
    this.cursor = text.length;
  }

  insert(s: string): void {
    this.text = this.text.slice(0, this.cursor) + s + this.text.slice(this.cursor);
    this.cursor += s.length;
  }

  backspace(): void {
    if (this.cursor === 0) return;
    this.text = this.text.slice(0, this.cursor - 1) + this.text.slice(this.cursor);
    this.cursor--;
  }

  delete(): void {
    this.text = this.text.slice(0, this.cursor) + this.text.slice(this.cursor + 1);
  }

  left(): void {
    this.cursor = Math.max(0, this.cursor - 1);
  }

  right(): void {
    this.cursor = Math.min(this.text.length, this.cursor + 1);
  }

  home(): void {
    this.cursor = this.text.lastIndexOf('\n', this.cursor - 1) + 1;
  }

  end(): void {
    const nl = this.text.indexOf('\n', this.cursor);
    this.cursor = nl === -1 ? this.text.length : nl;
  }

  wordLeft(): void {
    const before = this.text.slice(0, this.cursor);
    this.cursor = before.replace(/\S+\s*$/, '').length;
  }

  wordRight(): void {
    const m = /^\s*\S+/.exec(this.text.slice(this.cursor));
    this.cursor += m ? m[0].length : 0;
  }

  killToEnd(): void {
    const nl = this.text.indexOf('\n', this.cursor);
    this.text = this.text.slice(0, this.cursor) + (nl === -1 ? '' : this.text.slice(nl));
  }

  killToStart(): void {
    const start = this.text.lastIndexOf('\n', this.cursor - 1) + 1;
    this.text = this.text.slice(0, start) + this.text.slice(this.cursor);
    this.cursor = start;
  }

  killWord(): void {
    const before = this.text.slice(0, this.cursor).replace(/\S+\s*$/, '');
    this.text = before + this.text.slice(this.cursor);
    this.cursor = before.length;
  }

  /** Up: the line above, or the previous history entry on the first line. */
  up(): void {
    if (this.text.lastIndexOf('\n', this.cursor - 1) !== -1) return this.moveLine(-1);
    if (this.historyIndex === 0) return;
    if (this.historyIndex === this.history.length) this.draft = this.text;
    this.set(this.history[--this.historyIndex]);
  }

  down(): void {
    if (this.text.indexOf('\n', this.cursor) !== -1) return this.moveLine(1);
    if (this.historyIndex >= this.history.length) return;
    this.historyIndex++;
    this.set(this.historyIndex === this.history.length ? this.draft : this.history[this.historyIndex]);
  }

  private moveLine(dir: -1 | 1): void {
    const start = this.text.lastIndexOf('\n', this.cursor - 1) + 1;
    const col = this.cursor - start;
    const target = dir < 0 ? this.text.lastIndexOf('\n', start - 2) + 1 : this.text.indexOf('\n', this.cursor) + 1;
    const targetEnd = this.text.indexOf('\n', target);
    this.cursor = Math.min(target + col, targetEnd === -1 ? this.text.length : targetEnd);
  }

  /** Takes the text for submission and remembers it in history. */
  submit(): string {
    const text = this.text;
    if (text.trim() && this.history.at(-1) !== text) this.history.push(text);
    this.historyIndex = this.history.length;
    this.set('');
    return text;
  }

  /** The word at the cursor, for completion. */
  wordAtCursor(): { start: number; word: string } {
    const before = this.text.slice(0, this.cursor);
    const m = /\S*$/.exec(before)!;
    return { start: this.cursor - m[0].length, word: m[0] };
  }

  replaceWord(start: number, replacement: string): void {
    this.text = this.text.slice(0, start) + replacement + this.text.slice(this.cursor);
    this.cursor = start + replacement.length;
  }
}
