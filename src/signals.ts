// SIGINT, SIGTERM and SIGHUP (a closed terminal) end nanocode the same way in
// every frontend, as Ctrl-C does: the run is cancelled, every shell's process
// group is killed at once, the run gets a moment to finish (so the session
// records how it ended), and the exit code is 128 + the signal's number.
// A second signal exits at once.
import { killAllShells } from './tools/shell.ts';

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type EndSignal = keyof typeof EXIT_CODES;

/** How long the cancelled run may take to wind up before nanocode exits anyway. */
const GRACE_MS = 2000;

export interface Ending {
  /** The signal that is ending nanocode, once one has arrived. */
  readonly signal: EndSignal | undefined;
  /** 128 + the signal's number, once one has arrived. */
  readonly exitCode: number | undefined;
  /** Ends as if `signal` had arrived (say, the terminal is gone). */
  end(signal: EndSignal): void;
}

/** `cancel` stops the frontend's work; the frontend then returns as after Ctrl-C. */
export function endOnSignals(cancel: () => void): Ending {
  let received: EndSignal | undefined;
  const end = (signal: EndSignal) => {
    if (received) process.exit(EXIT_CODES[signal]);
    received = signal;
    cancel();
    killAllShells();
    setTimeout(() => process.exit(EXIT_CODES[signal]), GRACE_MS);
  };
  for (const signal of Object.keys(EXIT_CODES) as EndSignal[]) process.on(signal, () => end(signal));
  return {
    get signal() {
      return received;
    },
    get exitCode() {
      return received && EXIT_CODES[received];
    },
    end,
  };
}
