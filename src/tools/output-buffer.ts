// Keeps a command's output bounded in memory: the head and a rolling tail.
// Past the limit, the whole output also goes to a log file for the user.
import { createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAX_OUTPUT_BYTES = 8000;

export class OutputBuffer {
  private head: Buffer[] = [];
  private headBytes = 0;
  /** The latest chunks, trimmed to about half the limit. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private log?: WriteStream;
  logPath?: string;

  private readonly limit: number;

  constructor(limit = MAX_OUTPUT_BYTES) {
    this.limit = limit;
  }

  /** False when the log file is behind: pause the producer until drained(). */
  push(chunk: Buffer): boolean {
    this.total += chunk.length;
    if (this.total > this.limit && !this.log) {
      this.logPath = join(tmpdir(), `nanocode-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.log`);
      this.log = createWriteStream(this.logPath);
      for (const b of [...this.head, ...this.tail]) this.log.write(b);
    }
    const keepGoing = this.log ? this.log.write(chunk) : true;
    const half = this.limit / 2;
    if (this.headBytes < half) {
      const take = chunk.subarray(0, half - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length) {
      this.tail.push(chunk);
      this.tailBytes += chunk.length;
      while (this.tailBytes - this.tail[0].length >= half) this.tailBytes -= this.tail.shift()!.length;
    }
    return keepGoing;
  }

  drained(): Promise<void> {
    return new Promise((resolve) => (this.log ? this.log.once('drain', resolve) : resolve()));
  }

  async close(): Promise<void> {
    if (this.log) await new Promise<void>((resolve) => this.log!.end(resolve));
  }

  /** The bounded text for the model. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const all = Buffer.concat(this.tail);
    if (this.total <= this.limit) return head + all.toString('utf8');
    const kept = all.subarray(Math.max(0, all.length - this.limit / 2));
    const omitted = this.total - this.headBytes - kept.length;
    // Drop the partial characters at the cut edges.
    const tail = kept.toString('utf8').replace(/^\uFFFD+/, '');
    return `${head.replace(/\uFFFD+$/, '')}\n[... ${omitted} bytes omitted; full output in ${this.logPath}]\n${tail}`;
  }
}
