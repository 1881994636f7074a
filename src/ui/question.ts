// Questions nanocode asks the person at the terminal: whether to trust a
// project's own config (once, before the interactive terminal starts), and
// whether a tool call may run (inside it, while the agent waits).
import type { Answer, Permissions, Question } from '../safety/gate.ts';
import { type Style, visibleWidth, wrap } from './ansi.ts';
import type { Key } from './keys.ts';
import type { Cursor } from './screen.ts';

export type { Permissions } from '../safety/gate.ts';

/** "Do you trust the files in this folder?" y is yes; anything else is no. */
export async function askTrust(root: string, changed: boolean): Promise<boolean> {
  const input = process.stdin;
  process.stdout.write(
    `Do you trust the files in this folder?\n  ${root}\n` +
      `  ${changed ? "Its nanocode config changed since you trusted it." : 'It has nanocode config of its own.'} Trusted, its .nanocode/ settings and rules, MCP servers, instructions\n` +
      '  and the endpoints in its .env take effect; otherwise they are ignored. (y/N) ',
  );
  input.setRawMode?.(true);
  input.resume();
  const key = await new Promise<string>((resolve) => input.once('data', (d) => resolve(String(d))));
  input.setRawMode?.(false);
  input.pause();
  const yes = /^y/i.test(key);
  process.stdout.write(`${yes ? 'yes' : 'no'}\n\n`);
  return yes;
}

/**
 * The interactive terminal's side of the permission gate: it answers the
 * gate's questions on screen (one at a time; the agent waits, and every key
 * goes to the question), and Shift+Tab cycles the mode the status line shows.
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

  /** For the status line: the mode, unless it is the default one. */
  status(): string[] {
    const mode = this.permissions?.mode;
    return mode && mode !== 'default' ? [`⏵ ${mode} (shift+tab)`] : [];
  }

  /** Takes the key if a question waits, or if it is Shift+Tab; true when it did. */
  key(key: Key): boolean {
    if (this.question) this.question.key(key);
    else if (key.name === 'shift-tab' && this.permissions) this.permissions.cycle();
    else return false;
    return true;
  }

  /** While a question waits, the live region: the question in place of the prompt. */
  layout(live: string[], status: string, style: Style, width: number): [string[], Cursor] | undefined {
    if (!this.question) return undefined;
    const q = this.question.view(style, width);
    return [[...live, '', ...q.lines, status], { row: live.length + 1 + q.cursor.row, col: q.cursor.col }];
  }
}

const CHOICES = ['yes, once', "yes, and don't ask again this session", 'yes, always for this project', 'no, and tell the model what to do instead'] as const;

/**
 * A permission question in the interactive terminal: the call and why it
 * asks, four choices (a digit, or the arrows and Enter; Esc is no), and for
 * "no" a line to tell the model what to do instead. What the person was
 * typing when the question appeared must not answer it: letters are ignored,
 * Enter needs a choice picked with the arrows, and a chunk of several
 * characters (typed ahead, or pasted) counts only as "4" and the start of
 * the message.
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

  /** The question's rows at this width, and where the cursor goes (row relative to the first). */
  view(style: Style, width: number): { lines: string[]; cursor: { row: number; col: number } } {
    const q = this.q;
    const rows = [
      style.yellow(`? ${q.tool} wants to ${q.tool === 'bash' ? 'run' : 'use'}: `) + style.bold(q.subject),
      ...q.reasons.map((r) => `  It ${r}.`),
      ...(q.network ? ['  Yes lets this command use the network.'] : []),
      ...CHOICES.map((c, i) => `${i === this.selected ? style.bold('›') : ' '} ${i + 1}. ${this.label(i, c)}`),
    ];
    const lines = rows.flatMap((r) => wrap(r, width));
    if (this.message === undefined) return { lines: [...lines, style.gray('  press 1-4, or pick with the arrows and Enter; Esc: no')], cursor: { row: lines.length, col: 0 } };
    const entry = wrap(`  tell the model: ${this.message}`, width);
    return { lines: [...lines, ...entry], cursor: { row: lines.length + entry.length - 1, col: visibleWidth(entry.at(-1)!) % width } };
  }

  private label(i: number, text: string): string {
    if (i === 1 || i === 2) return `${text} (${this.q.rules.join(', ') || 'this call'})`;
    return text;
  }

  key(key: Key): void {
    if (this.answered) return;
    if (this.message !== undefined) return this.typing(key);
    if (key.name === 'text' && (key.text.length === 1 || key.text.startsWith('4'))) return this.chars(key.text);
    if (key.name === 'up') this.selected = ((this.selected ?? 0) + 3) % 4;
    else if (key.name === 'down' || key.name === 'tab') this.selected = ((this.selected ?? -1) + 1) % 4;
    else if (key.name === 'enter' && this.selected !== undefined) this.choose(this.selected);
    else if (key.name === 'escape' || key.name === 'ctrl-c') this.finish({ kind: 'no' });
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
    else if (key.name === 'escape' || key.name === 'ctrl-c') this.finish({ kind: 'no' });
  }

  private choose(i: number): void {
    this.selected = i;
    if (i === 3) this.message = '';
    else this.finish({ kind: (['once', 'session', 'always'] as const)[i] });
  }

  private finish(answer: Answer): void {
    this.answered = true;
    const said =
      answer.kind === 'no' ? `no${answer.message ? `: ${answer.message}` : ''}` : answer.kind === 'once' ? 'yes, once' : answer.kind === 'session' ? `yes, this session: ${this.q.rules.join(', ')}` : `yes, always: ${this.q.rules.join(', ')} saved to .nanocode/settings.json`;
    this.done(answer, `? ${this.q.tool}: ${this.q.subject} → ${said}`);
  }
}
