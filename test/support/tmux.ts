// Drives the real binary in a tmux pane: send-keys in, capture-pane out.
//
// Each test file gets a private tmux server on its own socket, in the run's
// temporary root, so no other file's (or person's) sessions touch it. The server does not exit when its
// last session ends (`exit-empty off`): otherwise the next test's new-session
// can meet it mid-exit ("server exited unexpectedly"). It is killed when the
// file's tests end.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { BIN, baseEnv, killAfterwards, tempDir } from './cli.ts';

export interface Pane {
  name: string;
  keys(...keys: string[]): void;
  type(text: string): void;
  /** Types the text and presses Enter. */
  submit(text: string): void;
  /** Pastes text as a terminal does (bracketed paste when the program asks for it). */
  paste(text: string): void;
  /** Resizes the terminal window. */
  resize(width: number, height?: number): void;
  screen(): string;
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Closes the terminal (what nanocode left running is killed after the test). */
  kill(): void;
}

const socket = join(tempDir('nanocode-tmux-'), 'socket');
/** Runs a tmux command on this file's server; `-f /dev/null` keeps the user's tmux.conf out. */
export const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

let serverStarted = false;

function startServer(): void {
  if (serverStarted) return;
  tmux('start-server', ';', 'set-option', '-g', 'exit-empty', 'off');
  serverStarted = true;
}

function killServer(): void {
  if (!serverStarted) return;
  serverStarted = false;
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
}

afterAll(killServer);
// A worker that ends without running afterAll (a crash, a timeout) still takes its server down.
process.on('exit', killServer);

let counter = 0;

export function openPane(env: Record<string, string | undefined>, opts: { cwd?: string; width?: number; height?: number } = {}): Pane {
  startServer();
  const name = `nanocode-test-${++counter}`;
  const full = baseEnv(env);
  killAfterwards(full);
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
    resize: (width, height) => void tmux('resize-window', '-t', name, '-x', String(width), ...(height ? ['-y', String(height)] : [])),
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
