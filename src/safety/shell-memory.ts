// The persistent shell remembers: a function or alias defined by one call
// runs when a later call names it, after `cd` may have moved the shell, and a
// PATH change or a sourced file can make any later name run other code. The
// walker records what a line leaves behind; the gate carries it to the next
// call, whose analysis judges a defined name by its body where it is called.
import type { Definition, Verdict, Word } from './command-types.ts';

/** Variables that change which program or code every later command runs. */
const RESOLUTION_VARIABLES = /^(PATH|BASH_ENV|ENV|LD_PRELOAD|LD_LIBRARY_PATH|SHELLOPTS|BASHOPTS|IFS)$/;

/** A function's or alias's body, judged where it is called (an alias takes the call's words after it). */
export function judgeDefined(
  name: string,
  definition: Definition,
  args: Word[],
  source: (code: Word, what: string) => Verdict,
): Verdict {
  const what = `the ${definition.kind} ${name}`;
  const code = definition.kind === 'function' ? definition.body : [definition.body, ...args.map((a) => a.text)].join(' ');
  const verdict = source({ text: code, value: code }, what);
  return verdict.reason ? { ...verdict, reason: `${what} runs: ${verdict.reason}` } : verdict;
}

/** `alias a='b c' d=e`: the aliases it defines; a body only running would tell is null. */
export function aliasDefinitions(args: Word[]): Array<{ name: string; body: string | null }> {
  return args
    .filter((a) => a.value === null || a.value.includes('='))
    .map((a) => {
      const text = a.value ?? a.text;
      const at = text.indexOf('=');
      return { name: text.slice(0, at), body: a.value === null ? null : text.slice(at + 1) };
    });
}

/**
 * Why, after this command, a later command's name can no longer be taken at
 * its word; undefined when it changes nothing of the kind.
 */
export function opaqueChange(name: string, args: Word[], assigns: string[]): string | undefined {
  const shown = [name, ...args.map((a) => a.text)].join(' ').slice(0, 60);
  if ((name === 'source' || name === '.') && args.length) return `\`${shown}\` ran a file that may define functions or change PATH`;
  if (name === 'hash' && args.some((a) => a.value?.startsWith('-') && a.value.includes('p'))) return `\`${shown}\` changed which program a name runs`;
  if (name === 'enable') return `\`${shown}\` changed the shell's builtins`;
  const bare = !name || ['export', 'declare', 'typeset', 'readonly'].includes(name);
  const changed = bare ? assigns.find((v) => RESOLUTION_VARIABLES.test(v)) : undefined;
  return changed ? `${changed} was changed (\`${shown || changed}\`)` : undefined;
}

/** The verdict of a name no one can take at its word any more: at least workspace work. */
export function opaqueVerdict(name: string, opaque: string): Verdict {
  return { class: 'workspace', reason: `${name} may not be the usual program: earlier, ${opaque}` };
}
