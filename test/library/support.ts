// The library as a user gets it: the built dist/index.js, driven against the
// scripted model server, with an environment whose processes are killed
// after each test.
import { resolve } from 'node:path';
import type * as Nanocode from '../../src/index.ts';
import { baseEnv, killAfterwards, tempDir } from '../support/cli.ts';
import type { ScriptedServer } from '../support/scripted-server.ts';

export const lib: typeof Nanocode = await import(resolve(import.meta.dirname, '../../dist/index.js'));

/** Options for Agent.create: the scripted server's model, a temporary HOME and cwd. */
export function agentOptions(server: ScriptedServer, extra: Nanocode.AgentOptions = {}): Nanocode.AgentOptions {
  const env = baseEnv({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.openaiBaseURL, NANOCODE_MODEL: 'scripted-model' });
  killAfterwards(env);
  return { env, cwd: tempDir(), gitContext: false, ...extra };
}

export async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of events) out.push(e);
  return out;
}
