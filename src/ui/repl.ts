// The interactive terminal: a prompt that stays usable while the agent works
// (input steers it), slash commands, interrupts, and a status line.
import type { Agent } from '../agent/agent.ts';
import type { UiConfig } from '../config/config.ts';
import type { AgentEvent } from '../protocol/events.ts';
import { type Style, styleFor, visibleWidth, wrap } from './ansi.ts';
import { commandNames, type CommandContext, findCommand } from './commands.ts';
import { completeWord } from './complete.ts';
import { Editor } from './editor.ts';
import { type Permissions, PermissionPrompt } from './question.ts';
import { appendHistory, loadHistory } from './history.ts';
import { ESCAPE_WAIT_MS, type Key, KeyReader } from './keys.ts';
import { type Cursor, Screen } from './screen.ts';
import { Transcript } from './transcript.ts';

export interface ReplOptions {
  agent: Agent;
  home: string;
  /** SHOW_THINKING, NO_COLOR and the editor, from the configuration. */
  ui: UiConfig;
  /** --resume without an id: offer the list first. */
  pickSession?: boolean;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
  /** Aborted on SIGTERM or SIGHUP: the run is cancelled, then the REPL ends (130, as Ctrl-C). */
  signal?: AbortSignal;
  /** The permission gate: the REPL answers its questions and cycles its mode (Shift+Tab, /mode). */
  permissions?: Permissions;
}

const DOUBLE_CTRL_C_MS = 2000;

export function runRepl(o: ReplOptions): Promise<number> {
  return new Repl(o).start();
}

class Repl {
  private readonly agent: Agent;
  private readonly home: string;
  private readonly ui: UiConfig;
  private readonly pickSession: boolean;
  private readonly input: NodeJS.ReadStream;
  private readonly output: NodeJS.WriteStream;
  private readonly style: Style;
  private readonly screen: Screen;
  private readonly editor: Editor;
  private readonly keys = new KeyReader();
  private transcript: Transcript;
  private running = false;
  private lastCtrlC = 0;
  private hints: string[] = [];
  private ticker?: NodeJS.Timeout;
  /** Decides that a held-back Esc was a key of its own. */
  private escapeTimer?: NodeJS.Timeout;
  /** Set on exit: nothing is drawn after the final clean-up. */
  private closed = false;
  private finish!: (code: number) => void;
  /** Set while the agent waits for a yes or no (confirm). */
  private answer?: (yes: boolean) => void;
  private readonly promptOptions = { confirm: (question: string) => this.confirm(question) };
  private readonly signal?: AbortSignal;
  private readonly questions: PermissionPrompt;

  constructor(o: ReplOptions) {
    this.agent = o.agent;
    this.home = o.home;
    this.ui = o.ui;
    this.pickSession = !!o.pickSession;
    this.signal = o.signal;
    this.input = o.input ?? process.stdin;
    this.output = o.output ?? process.stdout;
    this.style = styleFor(this.output, o.ui.noColor);
    this.screen = new Screen(this.output);
    this.editor = new Editor(loadHistory(o.home));
    this.transcript = this.newTranscript();
    this.questions = new PermissionPrompt(o.permissions, () => this.draw(), (line) => this.print([this.style.gray(line), '']));
  }

  /** A transcript for the next run; the last thinking stays for Ctrl-O. */
  private newTranscript(): Transcript {
    const t = new Transcript(this.style, this.ui.showThinking, () => this.screen.width);
    t.lastReasoning = this.transcript?.thinking ?? '';
    return t;
  }

  start(): Promise<number> {
    const done = new Promise<number>((resolve) => {
      this.finish = (code) => {
        this.closed = true;
        resolve(code);
      };
    });
    this.input.setRawMode?.(true);
    this.input.setEncoding('utf8');
    this.output.write('\x1b[?2004h'); // bracketed paste
    const onKeys = (keys: Key[]) => {
      for (const key of keys) void this.onKey(key);
      this.draw();
    };
    const onData = (chunk: string) => {
      clearTimeout(this.escapeTimer);
      onKeys(this.keys.feed(chunk));
      // A chunk may end inside an escape sequence: wait briefly for its rest.
      if (this.keys.waiting) this.escapeTimer = setTimeout(() => onKeys(this.keys.flush()), ESCAPE_WAIT_MS);
    };
    const onResize = () => {
      this.screen.invalidate();
      this.draw();
    };
    this.input.on('data', onData);
    // Paused by an earlier reader (the trust question): a paused stream holds no handle, and node would exit.
    this.input.resume();
    this.output.on('resize', onResize);
    this.print([this.style.gray(`nanocode · ${this.agent.choice.model} · ${this.agent.cwd} · /help for commands`), '']);
    if (this.agent.messages.length) this.print([this.style.gray(`Continuing a conversation of ${this.agent.messages.length} messages.`), '']);
    if (this.pickSession) void this.command('/resume');
    this.signal?.addEventListener('abort', () => (this.running ? this.cancel() : this.finish(130)), { once: true });
    return done.then((code) => {
      this.input.off('data', onData);
      this.output.off('resize', onResize);
      clearInterval(this.ticker);
      clearTimeout(this.escapeTimer);
      this.hints = [];
      this.screen.render([]);
      this.output.write('\x1b[?2004l');
      this.input.setRawMode?.(false);
      this.input.pause();
      return code;
    });
  }

  /** Writes finished lines to the scrollback, for good: a retry will not erase them. */
  private print(lines: string[]): void {
    this.show(lines);
    this.screen.mark();
  }

  private show(lines: string[]): void {
    if (!this.closed) this.screen.commit(lines, ...this.liveAndCursor());
  }

  private draw(): void {
    if (!this.closed) this.screen.render(...this.liveAndCursor());
  }

  /** The live region: transcript, prompt, hints and the status line. */
  private liveAndCursor(): [string[], Cursor] {
    const width = this.screen.width;
    // Wrapped here, so the cursor's row counts terminal rows.
    const live = this.transcript.live(Date.now(), width).flatMap((l) => wrap(l, width));
    const prompt: string[] = [];
    let cursor: Cursor = { row: 0, col: 2 };
    const before = this.editor.text.slice(0, this.editor.cursor);
    this.editor.text.split('\n').forEach((line, i) => {
      const rows = wrap(`${i === 0 ? this.style.bold('›') : ' '} ${line}`, width);
      if (i === before.split('\n').length - 1) {
        const col = visibleWidth(before.split('\n').at(-1)!) + 2;
        cursor = { row: live.length + 1 + prompt.length + Math.floor(col / width), col: col % width };
      }
      prompt.push(...rows);
    });
    // While a question waits, the prompt shows under it only if it holds text.
    const typed = this.editor.text ? { rows: prompt, cursor: { ...cursor, row: cursor.row - live.length - 1 } } : undefined;
    return this.questions.layout(live, typed, this.status(), this.style, width, this.screen.height) ?? [[...live, '', ...prompt, this.status(), ...this.hints], cursor];
  }

  private status(): string {
    const a = this.agent;
    const parts = [a.choice.model, `ctx ${((a.contextTokens / a.info.contextWindow) * 100).toFixed(0)}%`];
    if (a.cost !== undefined) parts.push(`$${a.cost.toFixed(4)}`);
    const { steer, followUp } = a.queue;
    const queued = steer.length + followUp.length;
    if (queued) parts.push(`${queued} queued`);
    parts.push(...this.questions.status());
    return this.style.gray(parts.join(' · '));
  }

  /** A question from the agent: y answers yes; n, Enter, Esc or Ctrl-C answer no. */
  private confirm(question: string): Promise<boolean> {
    this.print([this.style.yellow(`? ${question} (y/N)`)]);
    return new Promise((resolve) => {
      this.answer = (yes) => {
        this.answer = undefined;
        this.print([this.style.gray(yes ? '  yes' : '  no'), '']);
        resolve(yes);
      };
    });
  }

  private async onKey(key: Key): Promise<void> {
    if (this.questions.key(key, !!this.editor.text)) return;
    if (this.answer) {
      if (key.name === 'text' && /^y/i.test(key.text)) this.answer(true);
      else if ((key.name === 'text' && /^n/i.test(key.text)) || ['enter', 'escape', 'ctrl-c'].includes(key.name)) this.answer(false);
      return;
    }
    const e = this.editor;
    if (key.name !== 'tab') this.hints = [];
    if (key.name !== 'ctrl-c') this.lastCtrlC = 0;
    switch (key.name) {
      case 'text':
      case 'paste':
        return e.insert(key.text);
      case 'newline':
        return e.insert('\n');
      case 'enter':
        if (e.text.slice(0, e.cursor).endsWith('\\')) {
          e.backspace();
          return e.insert('\n');
        }
        return this.submit(e.submit());
      case 'backspace':
        return e.backspace();
      case 'delete':
        return e.delete();
      case 'left':
        return e.left();
      case 'right':
        return e.right();
      case 'up':
        return e.up();
      case 'down':
        return e.down();
      case 'home':
        return e.home();
      case 'end':
        return e.end();
      case 'word-left':
        return e.wordLeft();
      case 'word-right':
        return e.wordRight();
      case 'ctrl-k':
        return e.killToEnd();
      case 'ctrl-u':
        return e.killToStart();
      case 'ctrl-w':
        return e.killWord();
      case 'ctrl-l':
        this.screen.invalidate();
        return;
      case 'ctrl-o':
        if (this.transcript.thinking) this.print([...this.transcript.thinking.split('\n').map((l) => this.style.dim(l)), '']);
        return;
      case 'tab':
        return this.complete();
      case 'escape':
        if (this.running) this.cancel();
        return;
      case 'ctrl-c':
        return this.ctrlC();
      case 'ctrl-d':
        if (!e.text) this.finish(0);
        else e.delete();
        return;
    }
  }

  /** Cancels the running step, and the question it waits on. */
  private readonly cancel = () => (this.questions.cancel(), this.agent.abort());

  /** One Ctrl-C cancels the work (or clears the prompt); a second within 2 s, or on an empty prompt, exits. */
  private ctrlC(): void {
    const now = Date.now();
    if (now - this.lastCtrlC < DOUBLE_CTRL_C_MS || (!this.running && !this.editor.text)) return this.finish(130);
    this.lastCtrlC = now;
    if (this.running) this.cancel();
    else this.editor.set('');
    this.hints = [this.style.gray('Press Ctrl-C again to exit.')];
  }

  private async submit(text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed) return;
    appendHistory(this.home, text);
    if (trimmed === 'exit' || trimmed === 'quit') return this.finish(0);
    if (trimmed.startsWith('/')) return this.command(trimmed);
    if (this.running) return this.agent.steer(text);
    await this.run(this.agent.prompt(text, this.promptOptions));
  }

  private async command(line: string): Promise<void> {
    // `/skill:<name>` is one command, `/skill:`, with the name in its argument.
    const name = /^\/[^\s:]+:|^\S+/.exec(line)![0];
    const cmd = findCommand(name);
    if (!cmd) {
      const near = commandNames().filter((n) => n.startsWith(name.slice(0, 3)));
      return this.print([this.style.yellow(`Unknown command ${name}.${near.length ? ` Did you mean ${near.join(', ')}?` : ''} /help lists them.`), '']);
    }
    if (this.running && !cmd.whileRunning) return this.print([this.style.yellow(`${name} waits until the agent is done (Esc interrupts it).`), '']);
    const ctx: CommandContext = {
      agent: this.agent,
      style: this.style,
      running: this.running,
      width: this.screen.width,
      editor: this.ui.editor,
      print: (lines) => this.print(lines),
      aside: (question, withTools) => void this.run(this.agent.aside(question, withTools), 'aside'),
      compact: async (instructions) => {
        let events = 0;
        await this.run(counted(this.agent.compact(instructions), () => events++), 'compaction');
        return events > 0;
      },
      suspend: (fn) => {
        this.input.setRawMode?.(false);
        try {
          return fn();
        } finally {
          this.input.setRawMode?.(true);
          this.screen.invalidate();
        }
      },
      exit: (code) => this.finish(code),
      prompt: (text) => void this.run(this.agent.prompt(text, this.promptOptions)),
      permissions: this.questions.permissions,
    };
    try {
      await cmd.run(ctx, line.slice(name.length).trim());
    } catch (err) {
      this.print([this.style.red(`${name} failed: ${(err as Error).message}`), '']);
    }
    this.draw();
  }

  /** Drives one piece of work: a prompt (the Agent goes on with the follow-ups queued meanwhile), a side question or a compaction. */
  private async run(events: AsyncGenerator<AgentEvent>, kind: 'prompt' | 'aside' | 'compaction' = 'prompt'): Promise<void> {
    this.running = true;
    if (kind === 'aside') this.print([this.style.gray('(side question: not added to the conversation)')]);
    this.ticker = setInterval(() => this.draw(), 100);
    try {
      for await (const e of events) {
        let lines = this.transcript.handle(e);
        // A retry discards the failed attempt's partial answer: off the screen too, if it is still there.
        if (e.type === 'retry' && !this.screen.erase()) lines = [this.style.gray('(the partial answer above is discarded)'), ...lines];
        if (e.type === 'text_delta' || e.type === 'reasoning_delta') this.show(lines);
        else if (lines.length) this.print(lines);
        else this.draw();
      }
    } catch (err) {
      this.print([this.style.red(`✗ ${(err as Error).message}`), '']);
    } finally {
      clearInterval(this.ticker);
      this.running = false;
      this.transcript = this.newTranscript();
    }
    if (this.signal?.aborted) return this.finish(130);
    this.draw();
    if (kind !== 'prompt') await this.runQueued();
  }

  /**
   * What was typed during a side question or a compaction, which deliver no
   * queue, goes next: steering first, as one prompt; the Agent's stream()
   * goes on with the follow-ups.
   */
  private async runQueued(): Promise<void> {
    const { steer, followUp } = this.agent.clearQueue();
    const [next, ...later] = steer.length ? [steer.join('\n\n'), ...followUp] : followUp;
    this.agent.setQueue({ steer: [], followUp: later });
    if (next !== undefined) await this.run(this.agent.prompt(next, this.promptOptions));
  }

  /** Tab: completes a slash command or an @path. */
  private complete(): void {
    const { start, word } = this.editor.wordAtCursor();
    const c = completeWord(word, start === 0, this.agent.cwd);
    if (!c) return;
    this.editor.replaceWord(start, c.text);
    this.hints = c.others ? [this.style.gray(c.others)] : [];
  }
}

/** Passes the events through, calling `seen` for each (and for a failure). */
async function* counted<T>(events: AsyncGenerator<T>, seen: () => void): AsyncGenerator<T> {
  try {
    for await (const e of events) {
      seen();
      yield e;
    }
  } catch (err) {
    seen();
    throw err;
  }
}
