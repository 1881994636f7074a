// Rewrites the line counts in the README's module table from the source.
//   node scripts/readme-lines.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const readme = readFileSync('README.md', 'utf8');
const updated = readme.replace(/^\| `(src\/[^`]+)` \| \d+ \|/gm, (_, file) => {
  const lines = readFileSync(file, 'utf8').split('\n').length - 1;
  return `| \`${file}\` | ${lines} |`;
});
writeFileSync('README.md', updated);
