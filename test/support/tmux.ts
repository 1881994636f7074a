// Drives the real binary in a tmux pane: send-keys in, capture-pane out.
import { execFileSync } from 'node:child_process';
import { BIN, baseEnv, tempDir } from './cli.ts';

export interface Pane {
  name: string;
  keys(...keys: string[]): void;
  type(text: string): void;
  /** Types the text and presses Enter. */
  submit(text: string): void;
  /** Pastes text as a terminal does (bracketed paste when the program asks for it). */
  paste(text: string): void;
  screen(): string;
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  kill(): void;
}

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
let counter = 0;

export function openPane(env: Record<string, string | undefined>, opts: { cwd?: string; width?: number; height?: number } = {}): Pane {
  const name = `nanocode-test-${process.pid}-${++counter}`;
  const full = baseEnv(env);
  const exports = Object.entries(full)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  // The exit code is printed when nanocode ends; the pane then stays for capture.
  const command = `cd ${JSON.stringify(opts.cwd ?? tempDir())} && env -i ${exports} TERM=xterm-256color ${process.execPath} ${BIN}; echo "EXIT:$?"; trap "" INT; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', String(opts.width ?? 100), '-y', String(opts.height ?? 40), command);
  const pane: Pane = {
    name,
    keys: (...keys) => void tmux('send-keys', '-t', name, ...keys),
    type: (text) => void tmux('send-keys', '-t', name, '-l', text),
    paste: (text) => {
      tmux('set-buffer', '-b', name, text);
      tmux('paste-buffer', '-p', '-b', name, '-t', name);
    },
    submit: (text) => {
      tmux('send-keys', '-t', name, '-l', text);
      tmux('send-keys', '-t', name, 'Enter');
    },
    screen: () => tmux('capture-pane', '-t', name, '-p', '-S', '-200'),
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = pane.screen();
        if (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: () => {
      try {
        tmux('kill-session', '-t', name);
      } catch {
        // already gone
      }
    },
  };
  return pane;
}
