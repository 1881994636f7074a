// .nanocode.log in the working directory: every bash command the agent ran,
// with its exit code and a timestamp, secrets redacted. NANOCODE_LOG=0 turns
// it off. In a git repository it is kept out of `git status`.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { bashStatus } from '../protocol/details.ts';
import type { AgentEvent } from '../protocol/events.ts';
import { excludeFromGit } from './git-exclude.ts';

export const LOG_NAME = '.nanocode.log';

export function commandLogger(cwd: string, redact: (s: string) => string): (e: AgentEvent) => void {
  const commands = new Map<string, string>();
  const file = join(cwd, LOG_NAME);
  let excluded = false;
  return (e) => {
    if (e.type === 'tool_call' && e.name === 'bash') commands.set(e.id, String((e.args as { command?: unknown })?.command ?? ''));
    if (e.type !== 'tool_result' || !commands.has(e.id)) return;
    const command = commands.get(e.id)!;
    commands.delete(e.id);
    const status = e.details?.kind === 'bash' ? bashStatus(e.details) : e.isError ? 'failed' : 'done';
    try {
      appendFileSync(file, redact(`${new Date().toISOString()} [${status}] ${command.replace(/\n/g, '\n    ')}\n`));
      if (!excluded) excludeFromGit(cwd, LOG_NAME);
      excluded = true;
    } catch {
      // A read-only folder must not stop the work.
    }
  };
}
