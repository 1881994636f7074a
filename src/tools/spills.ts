// Where long command output goes in full, for the user: files only this user
// can read, in a private folder of this process that is removed when it exits,
// redacted like the session log, and bounded in total (oldest removed first).
import { createWriteStream, mkdtempSync, rmSync, unlinkSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** All spill files of one process together stay within this. */
export const MAX_SPILL_BYTES = 100 * 1024 * 1024;
/** Text held back waiting for a line end, so a secret is never cut in two before redaction. */
const MAX_PENDING_CHARS = 1024 * 1024;

export class Spills {
  private dir?: string;
  private readonly files: SpillFile[] = [];
  private total = 0;
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** The private folder, made at the first call; throws when it cannot be made. */
  folder(): string {
    if (!this.dir) {
      const dir = mkdtempSync(join(tmpdir(), 'nanocode-output-')); // mode 0700
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      this.dir = dir;
    }
    return this.dir;
  }

  /** A new spill file, redacted with `redact` (its agent's); throws when the folder cannot be made. */
  create(redact: (text: string) => string): SpillFile {
    const file = new SpillFile(join(this.folder(), `${this.files.length + 1}.log`), this, redact);
    this.files.push(file);
    return file;
  }

  /** Room for `bytes` more in `file`, made by removing the oldest finished files; how much was granted. */
  reserve(file: SpillFile, bytes: number): number {
    while (this.total + bytes > this.limit) {
      const oldest = this.files.find((f) => f !== file && f.finished && !f.removed);
      if (!oldest) break;
      oldest.removed = true;
      this.total -= oldest.bytes;
      try {
        unlinkSync(oldest.path);
      } catch {
        // already gone
      }
    }
    const granted = Math.max(0, Math.min(bytes, this.limit - this.total));
    this.total += granted;
    return granted;
  }
}

export class SpillFile {
  readonly path: string;
  bytes = 0;
  finished = false;
  removed = false;
  /** Output past the bound was left out. */
  truncated = false;
  /** Why writing stopped, if it failed. */
  failed?: string;
  private readonly stream: WriteStream;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private readonly spills: Spills;
  private readonly redact: (text: string) => string;

  constructor(path: string, spills: Spills, redact: (text: string) => string) {
    this.path = path;
    this.spills = spills;
    this.redact = redact;
    this.stream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    this.stream.on('error', (err) => (this.failed ??= err.message));
  }

  /** False when the disk is behind: wait for drained(). */
  write(chunk: Buffer): boolean {
    if (this.truncated || this.failed) return true;
    this.pending += this.decoder.write(chunk);
    // Whole lines only, so that redaction sees every secret whole.
    let cut = this.pending.lastIndexOf('\n') + 1;
    if (!cut && this.pending.length > MAX_PENDING_CHARS) cut = this.pending.length;
    if (!cut) return true;
    const text = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return this.put(text);
  }

  /** Resolves when the disk has caught up, or writing failed. */
  drained(): Promise<void> {
    if (!this.stream.writableNeedDrain || this.failed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done).off('error', done);
        resolve();
      };
      this.stream.on('drain', done).on('error', done);
    });
  }

  async end(): Promise<void> {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (rest) this.put(rest);
    await new Promise<void>((resolve) => this.stream.end(resolve));
    this.finished = true;
  }

  private put(text: string): boolean {
    if (this.truncated || this.failed) return true;
    let buf = Buffer.from(this.redact(text));
    const granted = this.spills.reserve(this, buf.length);
    if (granted < buf.length) {
      this.truncated = true;
      buf = buf.subarray(0, granted);
    }
    this.bytes += buf.length;
    return this.stream.write(buf);
  }
}

let shared: Spills | undefined;

/** This process's spill files, shared by its agents. */
export function processSpills(): Spills {
  return (shared ??= new Spills(MAX_SPILL_BYTES));
}
