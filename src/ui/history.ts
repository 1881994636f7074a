// Prompt history in ~/.nanocode/history: one JSON string per line, so
// multi-line prompts survive.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const KEEP = 1000;

export function loadHistory(home: string): string[] {
  try {
    return readFileSync(join(home, 'history'), 'utf8')
      .split('\n')
      .flatMap((line) => {
        try {
          const v = JSON.parse(line);
          return typeof v === 'string' ? [v] : [];
        } catch {
          return []; // a torn or foreign line is skipped
        }
      })
      .slice(-KEEP);
  } catch {
    return [];
  }
}

export function appendHistory(home: string, text: string): void {
  const path = join(home, 'history');
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, `${JSON.stringify(text)}\n`);
  } catch {
    // History is a convenience; never fail the prompt over it.
  }
}
