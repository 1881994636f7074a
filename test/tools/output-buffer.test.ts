import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRedactor } from '../../src/safety/secrets.ts';
import { OutputBuffer } from '../../src/tools/output-buffer.ts';
import { Spills } from '../../src/tools/spills.ts';
import { tempDir } from '../support/cli.ts';

const SECRET = 'hunter2-very-secret-value';
const redact = makeRedactor({ DB_PASSWORD: SECRET });

/** Feeds `text` in pieces of `size` bytes, as a command's output arrives. */
async function fill(buffer: OutputBuffer, text: string, size = 7): Promise<string> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) buffer.push(bytes.subarray(i, i + size));
  await buffer.close();
  return buffer.text();
}

describe('spilled output', () => {
  it('goes to a file only this user can read, in a private folder', async () => {
    const buffer = new OutputBuffer(redact, 100, () => new Spills(1_000_000));
    await fill(buffer, 'x'.repeat(500));
    const log = buffer.logPath!;
    expect(statSync(log).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(log)).mode & 0o777).toBe(0o700);
    expect(readFileSync(log, 'utf8')).toBe('x'.repeat(500));
  });

  it('is redacted like the session log, even when a secret arrives split across chunks', async () => {
    const buffer = new OutputBuffer(redact, 100, () => new Spills(1_000_000));
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}: password=${SECRET} token=ghp_${'a'.repeat(36)}`);
    await fill(buffer, lines.join('\n'), 5);
    const saved = readFileSync(buffer.logPath!, 'utf8');
    expect(saved).not.toContain(SECRET);
    expect(saved).not.toContain('ghp_');
    expect(saved.split('\n')[7]).toBe('line 7: password=[REDACTED:DB_PASSWORD] token=[REDACTED]');
    expect(saved.split('\n')).toHaveLength(50);
  });

  it('stays within its bound in total: the oldest files go first, and one output alone is cut at the bound', async () => {
    const spills = new Spills(10_000);
    const outputs = [];
    for (let i = 0; i < 3; i++) {
      const buffer = new OutputBuffer(redact, 100, () => spills);
      await fill(buffer, `${i}`.repeat(4_000), 1000);
      outputs.push(buffer);
    }
    // 12,000 bytes were spilled: the first file made room for the third.
    expect(existsSync(outputs[0].logPath!)).toBe(false);
    expect(readFileSync(outputs[1].logPath!, 'utf8')).toBe('1'.repeat(4_000));
    expect(readFileSync(outputs[2].logPath!, 'utf8')).toBe('2'.repeat(4_000));

    const big = new OutputBuffer(redact, 100, () => spills);
    const text = await fill(big, 'y'.repeat(25_000), 4096);
    expect(readdirSync(dirname(big.logPath!))).toEqual(['4.log']);
    expect(statSync(big.logPath!).size).toBe(10_000);
    expect(text).toContain(`[... 24900 bytes omitted; the first 10000 bytes of the output are in ${big.logPath} (saved output is limited to 10000 bytes)]`);
  });

  it('is removed when the process exits', () => {
    const script = `
      import { OutputBuffer } from ${JSON.stringify(resolve(import.meta.dirname, '../../src/tools/output-buffer.ts'))};
      const buffer = new OutputBuffer((text) => text);
      buffer.push(Buffer.alloc(20_000, 'z'));
      await buffer.close();
      console.log(buffer.logPath);`;
    const tmp = tempDir();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    expect(child.stderr).toBe('');
    expect(child.stdout.startsWith(tmp)).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('line count', () => {
  it('counts every line of the output, the kept part or not, a last line without a newline too', async () => {
    const cases: Array<[string, number]> = [['', 0], ['\n', 1], ['a', 1], ['a\nb', 2], ['a\nb\n', 2], [`${'x\n'.repeat(5000)}tail`, 5001]];
    for (const [text, lines] of cases) {
      const buffer = new OutputBuffer(redact, 100, () => new Spills(1_000_000));
      await fill(buffer, text, 3);
      expect(buffer.lines, JSON.stringify(text.slice(0, 10))).toBe(lines);
      expect(buffer.truncated).toBe(text.length > 100);
    }
  });
});
