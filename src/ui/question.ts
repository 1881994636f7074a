// Questions nanocode asks the person at the terminal: whether to trust a
// project's own config (once, before the interactive terminal starts), and
// whether a tool call may run (inside it, while the agent waits).
import type { Answer, Permissions, Question } from '../safety/gate.ts';
import { type Style, visibleWidth, wrap } from './ansi.ts';
import type { Key } from './keys.ts';
import type { Cursor } from './screen.ts';
import { visible } from './visible.ts';

export type { Permissions } from '../safety/gate.ts';

/**
 * "Do you trust the files in this folder?" y is yes; n, Enter or Esc is no.
 * Only a key of its own answers: text typed ahead of the question (or pasted)
 * arrives as one chunk of several characters, and is ignored, so "yes, fix
 * it" typed too early cannot trust a folder. Ctrl-C or Ctrl-D leave nanocode
 * (130) with nothing recorded.
 */
export async function askTrust(root: string, changed: boolean): Promise<boolean> {
  const input = process.stdin;
  process.stdout.write(
    `Do you trust the files in this folder?\n  ${visible(root)}\n` +
      `  ${changed ? "Its nanocode config changed since you trusted it." : 'It has nanocode config of its own.'} Trusted, its .nanocode/ settings and rules, MCP servers, instructions\n` +
      '  and the endpoints in its .env take effect; otherwise they are ignored. (y/N) ',
  );
  input.setRawMode?.(true);
  input.resume();
  let key: string;
  do key = await new Promise<string>((resolve) => input.once('data', (d) => resolve(String(d))));
  while (!/^[yYnN\r\x1b\x03\x04]$/.test(key));
  input.setRawMode?.(false);
  input.pause();
  if (key === '\x03' || key === '\x04') {
    process.stdout.write('\n');
    process.exit(130);
  }
  const yes = /^y$/i.test(key);
  process.stdout.write(`${yes ? 'yes' : 'no'}\n\n`);
  return yes;
}

/**
 * The interactive terminal's side of the permission gate: it answers the
 * gate's questions on screen (one at a time; the agent waits) and Shift+Tab
 * cycles the mode the status line shows. While a question waits, the keys
 * that answer it go to it; what the person goes on typing stays in the
 * prompt (shown under the question), and Esc or Ctrl-C cancel the step.
 */
export class PermissionPrompt {
  readonly permissions?: Permissions;
  private question?: PermissionQuestion;

  /** `said` prints the question and its answer once it is answered. */
  constructor(permissions: Permissions | undefined, redraw: () => void, said: (line: string) => void) {
    this.permissions = permissions;
    if (!permissions) return;
    permissions.ask = (q) =>
      new Promise((resolve) => {
        this.question = new PermissionQuestion(q, (answer, summary) => {
          this.question = undefined;
          said(summary);
          resolve(answer);
        });
        redraw();
      });
  }

  get waiting(): boolean {
    return !!this.question;
  }

  /** The step is being cancelled (Esc, Ctrl-C, a signal): a waiting question is answered no. */
  cancel(): void {
    this.question?.cancel();
  }

  /** For the status line: the mode, unless it is the default one. */
  status(): string[] {
    const mode = this.permissions?.mode;
    return mode && mode !== 'default' ? [`⏵ ${mode} (shift+tab)`] : [];
  }

  /**
   * Takes the key if it answers a waiting question, or if it is Shift+Tab;
   * true when it did. `typing`: the prompt holds text, so a digit is part of
   * it rather than an answer.
   */
  key(key: Key, typing: boolean): boolean {
    if (this.question) return this.question.key(key, typing);
    if (key.name === 'shift-tab' && this.permissions) {
      this.permissions.cycle();
      return true;
    }
    return false;
  }

  /**
   * While a question waits, the live region: the question in place of the
   * prompt, the prompt under it while it holds text, all within `height` rows.
   */
  layout(live: string[], prompt: { rows: string[]; cursor: Cursor } | undefined, status: string, style: Style, width: number, height: number): [string[], Cursor] | undefined {
    if (!this.question) return undefined;
    const below = prompt?.rows ?? [];
    const q = this.question.view(style, width, height - below.length - 1);
    const top = live.length + 1;
    const cursor = prompt && !this.question.typingMessage ? { row: top + q.lines.length + prompt.cursor.row, col: prompt.cursor.col } : { row: top + q.cursor.row, col: q.cursor.col };
    return [[...live, '', ...q.lines, ...below, status], cursor];
  }
}

const CHOICES = ['yes, once', "yes, and don't ask again this session", 'yes, always for this project', 'no, and tell the model what to do instead'] as const;
/** Rows the command may take at least, however short the terminal. */
const MIN_SUBJECT_ROWS = 3;

/**
 * A permission question in the interactive terminal: the call and why it
 * asks, four choices (a digit, or the arrows and Enter; Esc cancels the
 * step), and for "no" a line to tell the model what to do instead. What the
 * person was typing when the question appeared must not answer it: a digit
 * answers only while the prompt is empty, Enter only a choice picked with
 * the arrows, and a chunk of several characters (typed ahead, or pasted)
 * counts only as "4" and the start of the message.
 */
export class PermissionQuestion {
  private selected?: number;
  private answered = false;
  /** Set while the person types what the model should do instead. */
  private message?: string;
  private readonly q: Question;
  private readonly done: (answer: Answer, summary: string) => void;

  constructor(q: Question, done: (answer: Answer, summary: string) => void) {
    this.q = q;
    this.done = done;
  }

  get typingMessage(): boolean {
    return this.message !== undefined;
  }

  /**
   * The question's rows at this width, at most `height` of them (a long
   * command loses its middle rows, never its start or the choices), and
   * where the cursor goes (row relative to the first).
   */
  view(style: Style, width: number, height = Infinity): { lines: string[]; cursor: { row: number; col: number } } {
    const q = this.q;
    const rows = (lines: string[]) => lines.flatMap((l) => wrap(l, width));
    const [first = '', ...rest] = visible(q.subject).split('\n');
    const subject = rows([style.yellow(`? ${q.tool} wants to ${q.tool === 'bash' ? 'run' : 'use'}: `) + style.bold(first), ...rest.map((l) => `  ${style.bold(l)}`)]);
    const reasons = rows([...q.reasons.map((r) => `  It ${visible(r).replace(/\n/g, ' ⏎ ')}.`), ...(q.network ? ['  Yes lets this command use the network.'] : [])]);
    const choices = rows(CHOICES.map((c, i) => `${i === this.selected ? style.bold('›') : ' '} ${i + 1}. ${this.label(i, c)}`));
    const entry = this.message === undefined ? rows([style.gray('  press 1-4, or pick with the arrows and Enter; Esc cancels')]) : rows([`  tell the model: ${this.message}`]);
    const room = Math.max(MIN_SUBJECT_ROWS + 1, height - choices.length - entry.length);
    const reasonRows = Math.min(reasons.length, Math.max(1, Math.floor(room / 3)));
    const lines = [...fit(subject, Math.max(MIN_SUBJECT_ROWS, room - reasonRows), style), ...fit(reasons, reasonRows, style), ...choices];
    const last = entry.at(-1)!;
    return {
      lines: [...lines, ...entry],
      cursor: this.message === undefined ? { row: lines.length, col: 0 } : { row: lines.length + entry.length - 1, col: visibleWidth(last) % width },
    };
  }

  private label(i: number, text: string): string {
    // With no rule to remember (a tool no rule can name), these allow it once.
    if (i === 1 || i === 2) return `${text} (${this.q.rules.map(visible).join(', ') || 'no rule can name this call: once only'})`;
    return text;
  }

  /** True when the key was the question's; Esc and Ctrl-C never are (they cancel the step). */
  key(key: Key, typing = false): boolean {
    if (this.answered || key.name === 'escape' || key.name === 'ctrl-c') return false;
    if (this.message !== undefined) {
      this.typing(key);
      return true;
    }
    if (key.name === 'text') {
      if (typing || !(key.text.length === 1 ? /^[1-4]$/.test(key.text) : key.text.startsWith('4'))) return false;
      this.chars(key.text);
    } else if (key.name === 'up') this.selected = ((this.selected ?? 0) + 3) % 4;
    else if (key.name === 'down' || key.name === 'tab') this.selected = ((this.selected ?? -1) + 1) % 4;
    else if (key.name === 'enter' && this.selected !== undefined) this.choose(this.selected);
    // Not the prompt's while a question waits: they would exit or change the mode under it.
    else if (key.name !== 'ctrl-d' && key.name !== 'shift-tab') return false;
    return true;
  }

  /** Answers no: the step is being cancelled. */
  cancel(): void {
    if (!this.answered) this.finish({ kind: 'no' }, 'cancelled');
  }

  /** A digit, and after a 4 the start of the message (fast typing brings both in one chunk). */
  private chars(text: string): void {
    const [first, ...rest] = text;
    if (/^[1-4]$/.test(first!)) this.choose(Number(first) - 1);
    if (this.message !== undefined) this.message += rest.join('');
  }

  private typing(key: Key): void {
    const m = this.message!;
    if (key.name === 'text' || key.name === 'paste') this.message = m + key.text;
    else if (key.name === 'backspace') this.message = m.slice(0, -1);
    else if (key.name === 'enter') this.finish({ kind: 'no', message: m });
  }

  private choose(i: number): void {
    this.selected = i;
    if (i === 3) this.message = '';
    else this.finish({ kind: (['once', 'session', 'always'] as const)[i] });
  }

  private finish(answer: Answer, said?: string): void {
    this.answered = true;
    const rules = this.q.rules.map(visible).join(', ');
    said ??=
      answer.kind === 'no' ? `no${answer.message ? `: ${answer.message}` : ''}` : answer.kind === 'once' || !rules ? 'yes, once' : answer.kind === 'session' ? `yes, this session: ${rules}` : `yes, always: ${rules} saved to .nanocode/settings.json`;
    const [first, ...more] = visible(this.q.subject).split('\n');
    this.done(answer, `? ${this.q.tool}: ${first}${more.length ? ` (+${more.length} lines)` : ''} → ${said}`);
  }
}

/** At most `max` rows: the first ones and the last, with a line saying how many are not shown. */
function fit(rows: string[], max: number, style: Style): string[] {
  if (rows.length <= max) return rows;
  const shown = Math.max(1, max - 1);
  const head = Math.ceil((shown * 2) / 3);
  const tail = shown - head;
  return [...rows.slice(0, head), style.gray(`  … ${rows.length - shown} lines not shown …`), ...(tail ? rows.slice(-tail) : [])];
}
