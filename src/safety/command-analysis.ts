// Shell command analysis: what a bash command line would do, judged before it
// runs. Every simple command it contains (through lists, pipes, subshells,
// substitutions, bash -c strings, xargs, find -exec and wrappers like env or
// timeout) gets a class, and the line is as bad as its worst command:
//   read-only  changes nothing (ls, cat, git status, rg)
//   workspace  may change files; runs inside the sandbox
//   network    needs the network (npm install, git fetch, curl)
//   dangerous  always asked for (rm -rf ~, git push, curl … | sh, sudo, …)
// A line the parser cannot read, or a command whose name is computed, is dangerous.
import type { Analysis, AnalysisContext } from './command-types.ts';
import { loadShellParser, type ParseShell } from './shell-parser.ts';
import { Walker } from './shell-walk.ts';

export type { Analysis, AnalysisContext, CommandClass, SimpleCommand } from './command-types.ts';

export async function analyzeCommand(command: string, ctx: AnalysisContext): Promise<Analysis> {
  if (!command.trim()) return { class: 'read-only', commands: [], reasons: [] };
  let parse: ParseShell;
  try {
    parse = await loadShellParser();
  } catch (error) {
    // Without its parser the analysis can vouch for nothing: every command asks.
    const reason = `the shell parser could not be loaded (${(error as Error).message})`;
    return { class: 'dangerous', commands: [], reasons: [reason] };
  }
  const walker = new Walker(parse, { home: ctx.home, workspace: ctx.workspace ?? ctx.cwd }, ctx.shell);
  const verdict = walker.source(command, {
    dir: { cwd: ctx.cwd },
    stdin: { kind: 'terminal' },
    redirects: [],
    depth: 0,
  });
  const commands = walker.commands;
  // The reasons that decide the class: those of the commands of that class (and a parse failure).
  const reasons = [...commands.filter((c) => c.class === verdict.class).map((c) => c.reason), verdict.reason]
    .filter((r): r is string => !!r);
  return { class: verdict.class, commands, reasons: [...new Set(reasons)], shell: walker.shell };
}
