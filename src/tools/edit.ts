import { z } from 'zod';
import { defineTool, errorResult, type ToolResult } from '../protocol/tool.ts';
import { countOf, spanDetails } from './diff.ts';
import { closestLines, fuzzyFind, nonOverlapping, occurrences, type Region } from './edit-match.ts';
import { markSeen, staleMessage, withFileLock } from './file-state.ts';
import { EMPTY_PATH, linkNote, readRegular, resolvePath, whyNot, writeTarget } from './paths.ts';
import { writeAtomic } from './write.ts';

const Replacement = z.object({
  oldText: z.string().describe('Exact text to replace, with enough surrounding lines to be unique'),
  newText: z.string().describe('The text to put in its place'),
});

export const editTool = defineTool({
  name: 'edit',
  description:
    'Replace text in a file. Each oldText must occur exactly once in the file as it is now (or set replaceAll); edits must not overlap; all apply together or none do. Give edits: [{oldText, newText}, ...], or a single oldText and newText. Read the file first.',
  parameters: z.object({
    path: z.string().describe('File to edit'),
    edits: z.array(Replacement).min(1).optional(),
    oldText: z.string().optional().describe('Single edit: text to replace'),
    newText: z.string().optional().describe('Single edit: replacement'),
    replaceAll: z.boolean().optional().describe('Replace every occurrence of each oldText'),
  }),
  permission: 'edit',
  async execute(args, ctx) {
    const edits = args.edits ?? (args.oldText !== undefined && args.newText !== undefined ? [{ oldText: args.oldText, newText: args.newText }] : undefined);
    if (!edits) return errorResult('Give edits: [{oldText, newText}, ...] or both oldText and newText.');
    if (!args.path.trim()) return errorResult(EMPTY_PATH);
    const abs = resolvePath(ctx.cwd, args.path);
    let target: string;
    try {
      target = await writeTarget(abs);
    } catch (err) {
      return errorResult(await whyNot(err, args.path, abs));
    }
    return withFileLock(target, async () => {
      const stale = await staleMessage(ctx.state, abs, args.path);
      if (stale) return errorResult(stale);
      let raw: Buffer;
      try {
        raw = await readRegular(target, args.path);
      } catch (err) {
        const why = await whyNot(err, args.path, abs);
        return errorResult(why.startsWith('File not found') ? `${why} Use write to create a file.` : why);
      }
      if (raw.subarray(0, 8192).includes(0)) return errorResult(`${args.path} is a binary file; edit works on text.`);
      const result = applyEdits(raw.toString('utf8'), edits, !!args.replaceAll, args.path);
      if (typeof result === 'string') return errorResult(result);
      try {
        await writeAtomic(target, result.text);
      } catch (err) {
        return errorResult(`${await whyNot(err, args.path, abs)} The file was not changed.`);
      }
      await markSeen(ctx.state, abs);
      const note = linkNote(ctx.cwd, args.path, abs, target);
      return note && typeof result.report.content === 'string' ? { ...result.report, content: result.report.content + note } : result.report;
    });
  },
});

interface Applied {
  text: string;
  report: ToolResult;
}

/** Pure: the edited text and a report, or an error message. */
export function applyEdits(original: string, edits: Array<{ oldText: string; newText: string }>, replaceAll: boolean, path: string): Applied | string {
  const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = original.slice(bom.length);
  // The file's usual line ending (a mixed file goes by its majority).
  const eol = countOf(text, '\r\n') > countOf(text, '\n') / 2 ? '\r\n' : '\n';
  const toEol = (s: string) => s.replace(/\r?\n/g, eol);
  const label = (i: number) => (edits.length > 1 ? `edit ${i + 1}: ` : '');

  const regions: Array<Region & { edit: number }> = [];
  for (const [i, e] of edits.entries()) {
    const oldText = toEol(e.oldText);
    const newText = toEol(e.newText);
    if (!oldText) return `${label(i)}oldText is empty; to create or replace a whole file use write.`;
    const hits = occurrences(text, oldText);
    if (hits.length > 1 && !replaceAll) {
      return `${label(i)}oldText matches ${hits.length} places in ${path}; include more surrounding lines so it matches exactly one, or set replaceAll.`;
    }
    if (hits.length) {
      for (const h of replaceAll ? nonOverlapping(hits, oldText.length) : hits) regions.push({ start: h, end: h + oldText.length, replacement: newText, edit: i });
      continue;
    }
    const fuzzy = fuzzyFind(text, oldText, newText, eol);
    if (typeof fuzzy !== 'number') {
      regions.push({ ...fuzzy, edit: i });
      continue;
    }
    if (fuzzy > 1) return `${label(i)}oldText was not found exactly, and matches ${fuzzy} places when whitespace is ignored; include more surrounding lines.`;
    const near = closestLines(text, oldText);
    return `${label(i)}oldText not found in ${path}.${near ? ` The closest lines are:\n${near}` : ''}\nRead the file and copy the text exactly.`;
  }

  regions.sort((a, b) => a.start - b.start);
  for (let k = 1; k < regions.length; k++) {
    if (regions[k].start < regions[k - 1].end) return `edits ${regions[k - 1].edit + 1} and ${regions[k].edit + 1} overlap; merge them into one edit.`;
  }
  let edited = text;
  for (const r of [...regions].reverse()) edited = edited.slice(0, r.start) + r.replacement + edited.slice(r.end);
  if (edited === text) return 'No change: newText is the same as oldText.';

  const details = spanDetails(path, text, edited, regions[0].start, regions.at(-1)!.end);
  const lines = details.diff.split('\n');
  const body = lines.slice(lines.findIndex((l) => l.startsWith('@@')));
  const added = body.filter((l) => l.startsWith('+')).length;
  const removed = body.filter((l) => l.startsWith('-')).length;
  const count = regions.length === 1 ? '1 replacement' : `${regions.length} replacements`;
  return { text: bom + edited, report: { content: `Edited ${path}: ${count}, +${added} -${removed} lines.`, details } };
}
