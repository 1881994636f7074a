// Streams a command's output to the frontends at a bounded rate: at most one
// update per interval, carrying at most the latest `maxBytes`. However fast a
// command writes (yes | head -c 1G), events and memory stay small.

export class LiveOutput {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private timer?: NodeJS.Timeout;

  private readonly emit: (text: string) => void;
  private readonly intervalMs: number;
  private readonly maxBytes: number;

  constructor(emit: (text: string) => void, intervalMs = 100, maxBytes = 16 * 1024) {
    this.emit = emit;
    this.intervalMs = intervalMs;
    this.maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // Keep only the latest maxBytes (plus one chunk's slack).
    while (this.pendingBytes - this.pending[0].length >= this.maxBytes) this.pendingBytes -= this.pending.shift()!.length;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pendingBytes) return;
    let buf = Buffer.concat(this.pending);
    const skipped = Math.max(0, buf.length - this.maxBytes);
    buf = buf.subarray(skipped);
    // A cut may land inside a character: drop its continuation bytes.
    let start = 0;
    if (skipped) while (start < buf.length && (buf[start] & 0xc0) === 0x80) start++;
    // An incomplete character at the end waits for the next flush.
    const end = completeLength(buf);
    this.pending = end < buf.length ? [Buffer.from(buf.subarray(end))] : [];
    this.pendingBytes = buf.length - end;
    const text = buf.subarray(start, end).toString('utf8');
    if (text) this.emit(skipped ? `[... ${skipped} bytes not shown live]\n${text}` : text);
  }
}

/** The length of buf without a trailing incomplete UTF-8 character. */
function completeLength(buf: Buffer): number {
  for (let i = 1; i <= Math.min(4, buf.length); i++) {
    const b = buf[buf.length - i];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > i ? buf.length - i : buf.length;
  }
  return buf.length;
}
