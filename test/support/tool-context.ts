// A real ToolContext for calling tools directly in tests.
import type { ToolContext, ToolState } from '../../src/protocol/tool.ts';
import { commandEnv, makeRedactor } from '../../src/safety/secrets.ts';

export interface TestContext extends ToolContext {
  output: string[];
}

export function toolContext(cwd: string, opts: { env?: NodeJS.ProcessEnv; state?: ToolState; signal?: AbortSignal } = {}): TestContext {
  const output: string[] = [];
  return {
    cwd,
    env: opts.env ?? commandEnv(process.env),
    redact: makeRedactor(process.env),
    state: opts.state ?? { seen: new Map() },
    signal: opts.signal ?? new AbortController().signal,
    onOutput: (chunk) => output.push(chunk),
    output,
  };
}

export const text = (r: { content: unknown }) => (typeof r.content === 'string' ? r.content : JSON.stringify(r.content));
