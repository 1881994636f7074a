// The frontend for programs (--mode rpc): a long-lived nanocode driven over
// stdin and stdout. Each stdin line is a JSON command; stdout carries every
// AgentEvent as a JSON line (as --mode json prints them) and one `response`
// line per command, tied to it by the command's `id`. The frontend keeps no
// conversation state: messages, queues, the model and the refusal of a second
// prompt are the Agent's, reached through its public API.
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { type Agent, AgentBusyError } from '../agent/agent.ts';
import type { AgentEvent } from '../protocol/events.ts';

const Id = z.union([z.string(), z.number()]).optional();
const CommandSchema = z.discriminatedUnion('type', [
  z.object({ id: Id, type: z.literal('prompt'), text: z.string() }),
  z.object({ id: Id, type: z.literal('steer'), text: z.string() }),
  z.object({ id: Id, type: z.literal('follow_up'), text: z.string() }),
  z.object({ id: Id, type: z.literal('abort') }),
  z.object({ id: Id, type: z.literal('compact'), instructions: z.string().optional() }),
  z.object({ id: Id, type: z.literal('set_model'), model: z.string().min(1) }),
  z.object({ id: Id, type: z.literal('get_state') }),
  z.object({ id: Id, type: z.literal('close') }),
]);
type Command = z.infer<typeof CommandSchema>;
const COMMAND_TYPES = CommandSchema.options.map((o) => o.shape.type.value);

/** What a reply names: the command's id and type, as far as the line had them. */
type Asked = { id?: string | number; type?: string };

export interface RpcOptions {
  agent: Agent;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Aborted on SIGTERM or SIGHUP: ends as `close` does. */
  signal?: AbortSignal;
}

/** Serves commands until `close`, the end of stdin, or the signal; resolves to the exit code. */
export async function runRpc(o: RpcOptions): Promise<number> {
  const { agent } = o;
  const out = o.output ?? process.stdout;
  const write = (line: object) => void out.write(`${JSON.stringify(line)}\n`);
  const ok = (c: Asked, data?: unknown) => write({ type: 'response', id: c.id, command: c.type, success: true, ...(data !== undefined && { data }) });
  const fail = (c: Asked, error: unknown) =>
    write({ type: 'response', id: c.id, command: c.type, success: false, error: error instanceof Error ? error.message : String(error) });
  // The event streams under way (a prompt with its follow-ups, a compaction), awaited before exit.
  const streaming = new Set<Promise<void>>();

  /** Writes the work's events; answers once the Agent has taken it on, or refused it (busy). */
  const start = (c: Command, events: AsyncGenerator<AgentEvent>) => {
    // Called now, so the Agent claims itself before the next command is read.
    const first = events.next();
    const pump = (async () => {
      try {
        let r: IteratorResult<AgentEvent>;
        try {
          r = await first;
        } catch (err) {
          return fail(c, err instanceof AgentBusyError ? 'a prompt is already running; send steer or follow_up instead' : err);
        }
        ok(c);
        for (; !r.done; r = await events.next()) write(r.value);
      } catch (err) {
        write({ type: 'error', message: (err as Error).message } satisfies AgentEvent);
      }
    })();
    streaming.add(pump);
    void pump.finally(() => streaming.delete(pump));
  };

  const handle = async (c: Command): Promise<void> => {
    switch (c.type) {
      case 'prompt':
        return start(c, agent.stream(c.text));
      case 'compact':
        return start(c, agent.compact(c.instructions));
      case 'steer':
        agent.steer(c.text);
        return ok(c);
      case 'follow_up':
        agent.followUp(c.text);
        return ok(c);
      case 'abort':
        agent.abort();
        return ok(c);
      case 'set_model':
        await agent.setModel(c.model);
        return ok(c, { model: agent.state().model });
      case 'get_state':
        return ok(c, agent.state());
    }
  };

  const lines = createInterface({ input: o.input ?? process.stdin, crlfDelay: Infinity });
  o.signal?.addEventListener('abort', () => lines.close(), { once: true });
  let closing: Asked | undefined;
  for await (const line of lines) {
    if (!line.trim()) continue;
    const parsed = parse(line);
    if ('error' in parsed) fail(parsed.asked, parsed.error);
    else if (parsed.command.type === 'close') {
      closing = parsed.command;
      break;
    } else await handle(parsed.command).catch((err) => fail(parsed.command, err));
  }
  // The work under way ends (aborted) and writes its last events; the reply to close is the last line.
  await agent.close();
  await Promise.all(streaming);
  if (closing) ok(closing);
  return 0;
}

function parse(line: string): { command: Command } | { asked: Asked; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return { asked: {}, error: `not a JSON line: ${(err as Error).message}` };
  }
  const raw = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const asked: Asked = {
    id: typeof raw.id === 'string' || typeof raw.id === 'number' ? raw.id : undefined,
    type: typeof raw.type === 'string' ? raw.type : undefined,
  };
  if (!COMMAND_TYPES.includes(asked.type as Command['type'])) {
    return { asked, error: `unknown command ${JSON.stringify(raw.type ?? null)}; the commands are ${COMMAND_TYPES.join(', ')}` };
  }
  const r = CommandSchema.safeParse(json);
  if (r.success) return { command: r.data };
  return { asked, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}
