// Keeps a command's output bounded in memory: the head and a rolling tail.
// Past the limit, the output also goes to a spill file for the user.
import { processSpills, type SpillFile, type Spills } from './spills.ts';

export const MAX_OUTPUT_BYTES = 8000;

export class OutputBuffer {
  private head: Buffer[] = [];
  private headBytes = 0;
  /** The latest chunks, trimmed to about half the limit. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private newlines = 0;
  private endsWithNewline = false;
  private log?: SpillFile;
  /** Why the full output could not be kept, if it could not. */
  private spillError?: string;

  private readonly redact: (text: string) => string;
  private readonly limit: number;
  private readonly spills: () => Spills;

  /** `redact`: what the spill file is redacted with. */
  constructor(redact: (text: string) => string, limit = MAX_OUTPUT_BYTES, spills: () => Spills = processSpills) {
    this.redact = redact;
    this.limit = limit;
    this.spills = spills;
  }

  get logPath(): string | undefined {
    return this.log?.path;
  }

  /** Where the output was saved (as much as the spill bound allows) when it was cut, unless saving failed. */
  get savedPath(): string | undefined {
    return this.log && !this.log.failed ? this.log.path : undefined;
  }

  /** The model gets the head and the tail only. */
  get truncated(): boolean {
    return this.total > this.limit;
  }

  /** Lines in the whole output, a last one without a newline included. */
  get lines(): number {
    return this.newlines + (this.total && !this.endsWithNewline ? 1 : 0);
  }

  /** False when the log file is behind: pause the producer until drained(). */
  push(chunk: Buffer): boolean {
    if (!chunk.length) return true;
    this.total += chunk.length;
    // Counted as it streams: only the head and the tail are kept. A plain loop
    // beats indexOf on dense output (yes: 1 GB in about a second).
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) this.newlines++;
    this.endsWithNewline = chunk[chunk.length - 1] === 10;
    if (this.total > this.limit && !this.log && !this.spillError) {
      try {
        this.log = this.spills().create(this.redact);
        for (const b of [...this.head, ...this.tail]) this.log.write(b);
      } catch (err) {
        this.spillError = (err as Error).message;
      }
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
    return this.log ? this.log.drained() : Promise.resolve();
  }

  async close(): Promise<void> {
    await this.log?.end();
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
    return `${head.replace(/\uFFFD+$/, '')}\n[... ${omitted} bytes omitted; ${this.where()}]\n${tail}`;
  }

  private where(): string {
    const log = this.log;
    const failed = this.spillError ?? log?.failed;
    if (failed || !log) return `the full output could not be saved: ${failed}`;
    if (log.truncated) return `the first ${log.bytes} bytes of the output are in ${log.path} (saved output is limited to ${size(this.spills().limit)})`;
    return `full output in ${log.path}`;
  }
}

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${bytes} bytes`);
