// Tab completion in the prompt: a slash command at the start of the line, or
// an @path anywhere (files and folders under the working folder).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { commandNames } from './commands.ts';

/** What replaces the word (the common prefix of the options), and the other options to show; none when nothing fits. */
export function completeWord(word: string, atLineStart: boolean, cwd: string): { text: string; others?: string } | undefined {
  let options: string[] = [];
  if (atLineStart && word.startsWith('/')) options = commandNames().filter((n) => n.startsWith(word));
  else if (word.startsWith('@')) options = pathCompletions(cwd, word.slice(1)).map((p) => `@${p}`);
  if (!options.length) return undefined;
  const common = options.reduce((a, b) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(0, i);
  });
  if (options.length === 1) return { text: common.endsWith('/') ? common : `${common} ` };
  return { text: common, others: options.slice(0, 12).join('  ') + (options.length > 12 ? `  … ${options.length - 12} more` : '') };
}

/** Files and folders starting with the typed prefix (folders end with /). */
function pathCompletions(cwd: string, typed: string): string[] {
  const dir = typed.includes('/') ? typed.slice(0, typed.lastIndexOf('/') + 1) : '';
  const prefix = typed.slice(dir.length);
  try {
    return readdirSync(join(cwd, dir || '.'), { withFileTypes: true })
      .filter((e) => e.name.startsWith(prefix) && (prefix.startsWith('.') || !e.name.startsWith('.')))
      .map((e) => `${dir}${e.name}${e.isDirectory() ? '/' : ''}`)
      .sort();
  } catch {
    return [];
  }
}
