// `@path` imports in context files (Claude Code's CLAUDE.md convention): a
// token that starts a word and looks like a file path, outside code. Emails
// (a@b.com), decorators (@Component) and package names (@types/node) are not.
import { join, resolve } from 'node:path';

export interface Import {
  token: string;
  /** 1-based, for warnings. */
  line: number;
}

const TOKEN = /(?:^|\s)@(\S+)/g;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Explicitly relative or absolute, or ending in a file extension. */
function looksLikePath(token: string): boolean {
  return /^(\.{1,2}\/|~\/|\/)/.test(token) || /^[^@]*\.[A-Za-z0-9]+$/.test(token);
}

export function importsOf(text: string): Import[] {
  const found: Import[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const f = FENCE.exec(raw);
    if (fence === undefined && f) fence = f[1];
    else if (fence !== undefined) {
      // CommonMark: the same character, at least as long, nothing after it.
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && !f[2].trim()) fence = undefined;
    } else {
      const outsideCode = raw.replace(/(`+).*?\1/g, '');
      for (const m of outsideCode.matchAll(TOKEN)) {
        const token = m[1].replace(/[.,;:!?)\]}>'"]+$/, '');
        if (looksLikePath(token)) found.push({ token, line: i + 1 });
      }
    }
  });
  return found;
}

/** Relative to the importing file's folder; `~/` is the user's home. */
export function importPath(token: string, fromDir: string, userHome: string): string {
  return token.startsWith('~/') ? join(userHome, token.slice(2)) : resolve(fromDir, token);
}
