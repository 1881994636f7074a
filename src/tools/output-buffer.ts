// Keeps a command's output bounded in memory: the head and a rolling tail.
// Past the limit, the whole output also goes to a log file for the user.
import { createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MAX_OUTPUT_BYTES = 8000;

export class OutputBuffer {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail = Buffer.alloc(0);
  private total = 0;
  private log?: WriteStream;
  logPath?: string;

  private readonly limit: number;

  constructor(limit = MAX_OUTPUT_BYTES) {
    this.limit = limit;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.total > this.limit && !this.log) {
      this.logPath = join(tmpdir(), `nanocode-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.log`);
      this.log = createWriteStream(this.logPath);
      for (const b of this.head) this.log.write(b);
      this.log.write(this.tail);
    }
    this.log?.write(chunk);
    const half = this.limit / 2;
    if (this.headBytes < half) {
      const take = chunk.subarray(0, half - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length) {
      const joined = Buffer.concat([this.tail, chunk]);
      this.tail = joined.subarray(Math.max(0, joined.length - half));
    }
  }

  async close(): Promise<void> {
    if (this.log) await new Promise<void>((resolve) => this.log!.end(resolve));
  }

  /** The bounded text for the model. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    if (this.total <= this.limit) return head + this.tail.toString('utf8');
    const omitted = this.total - this.headBytes - this.tail.length;
    // Drop the partial characters at the cut edges.
    const tail = this.tail.toString('utf8').replace(/^\uFFFD+/, '');
    return `${head.replace(/\uFFFD+$/, '')}\n[... ${omitted} bytes omitted; full output in ${this.logPath}]\n${tail}`;
  }
}
