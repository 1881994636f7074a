// Render benchmark: streams a long markdown answer (2,000 lines, in 37-byte
// deltas like a model's) through the interactive renderer, next to writing
// the same deltas plainly. Prints bytes sent to the terminal and time per frame.
//
//   npm run bench:render
import { colors } from '../src/ui/ansi.ts';
import { Screen } from '../src/ui/screen.ts';
import { Transcript } from '../src/ui/transcript.ts';

const source: string[] = [];
for (let i = 1; i <= 2000; i++) {
  if (i % 50 === 1) source.push(`## Section ${Math.ceil(i / 50)}`, '');
  if (i % 200 === 100) source.push('```ts', 'const answer: number = 42; // the answer', '```', '');
  source.push(i % 10 === 0 ? '' : `Line ${i} with some **bold** text, \`code\` and a [link](https://example.com).`);
}
const text = `${source.join('\n')}\n`;
const deltas: string[] = [];
for (let i = 0; i < text.length; i += 37) deltas.push(text.slice(i, i + 37));

const sink = { columns: 100, isTTY: true, write: (_: string) => true };
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

function renderer() {
  const screen = new Screen(sink);
  const t = new Transcript(colors, true);
  const prompt = ['', '› ', 'model · ctx 3% · $0.0100'];
  const times: number[] = [];
  const start = performance.now();
  for (const d of deltas) {
    const t0 = performance.now();
    const commit = t.handle({ type: 'text_delta', text: d });
    const live = [...t.live(0, 100), ...prompt];
    if (commit.length) screen.commit(commit, live);
    else screen.render(live);
    times.push(performance.now() - t0);
  }
  screen.commit(t.handle({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text }] } }), prompt);
  return { bytes: screen.bytesWritten, total: performance.now() - start, times };
}

function plainWrite() {
  let bytes = 0;
  const times: number[] = [];
  const start = performance.now();
  for (const d of deltas) {
    const t0 = performance.now();
    bytes += Buffer.byteLength(d);
    sink.write(d);
    times.push(performance.now() - t0);
  }
  return { bytes, total: performance.now() - start, times };
}

renderer(); // warm up
const r = renderer();
const p = plainWrite();
console.log(`streaming ${source.length} lines (${(text.length / 1024).toFixed(0)} KB) in ${deltas.length} deltas:`);
console.log(`                      bytes to terminal   total ms   per frame median / p99 ms`);
console.log(`  plain write         ${String(p.bytes).padStart(17)}   ${p.total.toFixed(1).padStart(8)}   ${percentile(p.times, 0.5).toFixed(3)} / ${percentile(p.times, 0.99).toFixed(3)}`);
console.log(`  nanocode renderer   ${String(r.bytes).padStart(17)}   ${r.total.toFixed(1).padStart(8)}   ${percentile(r.times, 0.5).toFixed(3)} / ${percentile(r.times, 0.99).toFixed(3)}`);
console.log(`  ratio               ${(r.bytes / p.bytes).toFixed(2).padStart(16)}x`);
