// Builds the binary from the current source before the tests run it, and
// gives the whole run one temporary root that is removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const root = mkdtempSync(join(tmpdir(), 'nanocode-tests-'));
  process.env.NANOCODE_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}
