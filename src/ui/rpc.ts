// The frontend for programs (--mode rpc): a long-lived nanocode driven over
// stdin and stdout. Each stdin line is a JSON command; stdout carries every
// AgentEvent as a JSON line (as --mode json prints them) and one `response`
// line per command, tied to it by the command's `id`. The frontend keeps no
// conversation state: messages, queues, the model and the refusal of a second
// prompt are the Agent's, reached through its public API. A client that sends
// `ask_permissions` answers the permission gate's questions itself
// (`permission_request` out, `permission_answer` in); otherwise a call that
// would ask is refused, as in the other headless modes.
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { type Agent, AgentBusyError } from '../agent/agent.ts';
import type { AgentEvent } from '../protocol/events.ts';
import type { Answer, Permissions, Question } from '../safety/gate.ts';
import { isPermissionMode, PERMISSION_MODES } from '../safety/modes.ts';

const Id = z.union([z.string(), z.number()]).optional();
const CommandSchema = z.discriminatedUnion('type', [
  z.object({ id: Id, type: z.literal('prompt'), text: z.string() }),
  z.object({ id: Id, type: z.literal('steer'), text: z.string() }),
  z.object({ id: Id, type: z.literal('follow_up'), text: z.string() }),
  z.object({ id: Id, type: z.literal('abort') }),
  z.object({ id: Id, type: z.literal('compact'), instructions: z.string().optional() }),
  z.object({ id: Id, type: z.literal('set_model'), model: z.string().min(1) }),
  z.object({ id: Id, type: z.literal('get_state') }),
  z.object({ id: Id, type: z.literal('set_permission_mode'), mode: z.string() }),
  z.object({ id: Id, type: z.literal('ask_permissions') }),
  z.object({
    id: Id,
    type: z.literal('permission_answer'),
    request: z.string(),
    answer: z.enum(['once', 'session', 'always', 'no']),
    message: z.string().optional(),
  }),
  z.object({ id: Id, type: z.literal('close') }),
]);
type Command = z.infer<typeof CommandSchema>;
const COMMAND_TYPES = CommandSchema.options.map((o) => o.shape.type.value);

/** What a reply names: the command's id and type, as far as the line had them. */
type Asked = { id?: string | number; type?: string };

/** A question of the gate, sent to a client that answers them; `request` ties the answer to it, `id` is the tool call's (as in `tool_call`). */
export type PermissionRequest = { type: 'permission_request'; request: string; id: string } & Question;

export interface RpcOptions {
  agent: Agent;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Aborted on SIGTERM or SIGHUP: ends as `close` does. */
  signal?: AbortSignal;
  /** The permission gate: its mode, and its questions once the client asks for them. */
  permissions?: Permissions;
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
  // Questions sent and not answered yet; an abort, close or signal answers them no.
  const waiting = new Map<string, (answer: Answer) => void>();
  let asked = 0;
  const cancelQuestions = () => {
    for (const answer of waiting.values()) answer({ kind: 'no', message: 'The client cancelled the step.' });
    waiting.clear();
  };
  const permissions = o.permissions;

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
        cancelQuestions();
        agent.abort();
        return ok(c);
      case 'set_model':
        await agent.setModel(c.model);
        return ok(c, { model: agent.state().model });
      case 'get_state':
        return ok(c, { ...agent.state(), ...(permissions && { permissionMode: permissions.mode, permissionRules: permissions.rules() }) });
      case 'set_permission_mode': {
        if (!permissions) return fail(c, 'permissions are not checked in this session');
        if (!isPermissionMode(c.mode)) return fail(c, `no mode ${JSON.stringify(c.mode)}; the modes are ${PERMISSION_MODES.join(', ')}`);
        if (c.mode === 'bypassPermissions' && !permissions.bypassAllowed) return fail(c, 'bypassPermissions needs nanocode started with --yes');
        permissions.mode = c.mode;
        return ok(c, { permissionMode: c.mode });
      }
      case 'ask_permissions':
        if (!permissions) return fail(c, 'permissions are not checked in this session');
        permissions.ask = (q, id) =>
          new Promise((resolve) => {
            const request = `p${++asked}`;
            waiting.set(request, resolve);
            write({ type: 'permission_request', request, id, ...q } satisfies PermissionRequest);
          });
        return ok(c);
      case 'permission_answer': {
        const answer = waiting.get(c.request);
        if (!answer) return fail(c, `no question ${JSON.stringify(c.request)} is waiting`);
        waiting.delete(c.request);
        answer(c.answer === 'no' ? { kind: 'no', message: c.message } : { kind: c.answer });
        return ok(c);
      }
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
  cancelQuestions();
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
