// The sessions of a project, newest first, for --continue, --resume and
// /sessions. A session without a single message is nothing to go back to,
// and is left out.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sessionDir } from './store.ts';

export interface SessionInfo {
  id: string;
  file: string;
  modified: Date;
  bytes: number;
  name?: string;
  firstPrompt: string;
}

export function listSessions(home: string, cwd: string): SessionInfo[] {
  const dir = sessionDir(home, cwd);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return files
    .flatMap((f) => {
      const file = join(dir, f);
      const st = statSync(file);
      const { empty, ...rest } = summary(file);
      return empty ? [] : [{ id: f.slice(0, -'.jsonl'.length), file, modified: st.mtime, bytes: st.size, ...rest }];
    })
    .sort((a, b) => b.modified.getTime() - a.modified.getTime());
}

/**
 * The first prompt, the name, and whether it is an empty session (nothing
 * or a header alone), from a quick scan of the file. A file that is not a session is
 * listed, to be refused with a clear message when it is opened.
 */
function summary(file: string): { firstPrompt: string; name?: string; empty: boolean } {
  let firstPrompt = '';
  let name: string | undefined;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let empty = !text.trim() || lines[0].startsWith('{"type":"session"');
  for (const line of lines) {
    if (line.startsWith('{"type":"message"')) empty = false;
    if (!firstPrompt && line.includes('"role":"user"')) {
      try {
        const content = JSON.parse(line).message?.content;
        if (typeof content === 'string') firstPrompt = content.split('\n')[0].slice(0, 80);
      } catch {
        // torn or foreign line
      }
    }
    if (line.startsWith('{"type":"name"')) {
      try {
        name = JSON.parse(line).name;
      } catch {
        // torn
      }
    }
  }
  return { firstPrompt, name, empty };
}

/** A session by id (a unique prefix is enough) or by name. */
export function findSession(home: string, cwd: string, idOrName: string): SessionInfo | undefined {
  const all = listSessions(home, cwd);
  return all.find((s) => s.id === idOrName || s.name === idOrName) ?? (all.filter((s) => s.id.startsWith(idOrName)).length === 1 ? all.find((s) => s.id.startsWith(idOrName)) : undefined);
}
