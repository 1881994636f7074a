// Slash commands of the interactive terminal.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Agent } from '../agent/agent.ts';
import { listModels } from '../model/list-models.ts';
import { closest } from '../tools/similar.ts';
import type { Style } from './ansi.ts';

export interface Queue {
  steer: string[];
  followup: string[];
}

export interface CommandContext {
  agent: Agent;
  queue: Queue;
  style: Style;
  running: boolean;
  /** Writes lines to the scrollback. */
  print(lines: string[]): void;
  /** Starts a throw-away side question (/btw). */
  aside(question: string, withTools: boolean): void;
  /** Runs a program that needs the terminal ($EDITOR). */
  suspend<T>(fn: () => T): T;
  exit(code: number): void;
}

interface Command {
  names: string[];
  usage: string;
  help: string;
  /** Allowed while the agent works. */
  whileRunning?: boolean;
  run(ctx: CommandContext, arg: string): void | Promise<void>;
}

const QueueSchema = z.object({ steer: z.array(z.string()), followup: z.array(z.string()) });

const fmt = (n: number) => n.toLocaleString('en-US');

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export const COMMANDS: Command[] = [
  {
    names: ['/help'],
    usage: '/help',
    help: 'this list',
    whileRunning: true,
    run: (ctx) => ctx.print([...COMMANDS.map((c) => `${ctx.style.bold(c.usage.padEnd(24))} ${c.help}`), '', 'While the agent works, plain input steers it (delivered before its next step).', '']),
  },
  {
    names: ['/clear', '/c', '/reset'],
    usage: '/clear, /c, /reset',
    help: 'start a new conversation',
    run: (ctx) => {
      ctx.agent.reset();
      ctx.print([ctx.style.gray('New conversation.'), '']);
    },
  },
  {
    names: ['/model'],
    usage: '/model [id or search]',
    help: "show or switch the model; lists the endpoint's models",
    run: async (ctx, arg) => {
      const ids = await listModels(ctx.agent.choice);
      if (!arg) {
        const list = ids ? ids.map((id) => `${id === ctx.agent.choice.model ? '●' : ' '} ${id}`) : ['(this endpoint does not list its models)'];
        return ctx.print([`Model: ${ctx.style.bold(ctx.agent.choice.model)} (${ctx.agent.choice.provider})`, ...list, '']);
      }
      const hits = !ids || ids.includes(arg) ? [arg] : ids.filter((id) => id.toLowerCase().includes(arg.toLowerCase()));
      const pick = hits.length ? hits : closest(arg, ids ?? [], 5);
      if (pick.length !== 1) return ctx.print([pick.length ? `Several models match "${arg}":` : `No model matches "${arg}".`, ...pick.map((id) => `  ${id}`), '']);
      await ctx.agent.setModel(pick[0]);
      ctx.print([`Model: ${ctx.style.bold(pick[0])}`, '']);
    },
  },
  {
    names: ['/tools'],
    usage: '/tools',
    help: 'the tools the model can use',
    whileRunning: true,
    run: (ctx) => ctx.print([...ctx.agent.tools.map((t) => `${ctx.style.bold(t.name.padEnd(12))} ${t.description.split('. ')[0]}`), '']),
  },
  {
    names: ['/tokens'],
    usage: '/tokens',
    help: 'tokens and cost of this session',
    whileRunning: true,
    run: (ctx) => {
      const u = ctx.agent.usage;
      const cost = ctx.agent.cost === undefined ? 'unknown for this model' : `$${ctx.agent.cost.toFixed(4)}`;
      ctx.print([`input ${fmt(u.input)} (cache read ${fmt(u.cacheRead)}, cache write ${fmt(u.cacheWrite)}) · output ${fmt(u.output)} (reasoning ${fmt(u.reasoning)}) · cost ${cost}`, '']);
    },
  },
  {
    names: ['/context'],
    usage: '/context',
    help: 'how full the context window is',
    whileRunning: true,
    run: (ctx) => {
      const { contextTokens, info } = ctx.agent;
      const pct = ((contextTokens / info.contextWindow) * 100).toFixed(1);
      ctx.print([`context: ${fmt(contextTokens)} of ${fmt(info.contextWindow)} tokens (${pct}%) as of the last request; ${ctx.agent.messages.length} messages`, '']);
    },
  },
  {
    names: ['/btw'],
    usage: '/btw [--tools] <question>',
    help: 'a side question, answered from the conversation but not added to it',
    run: (ctx, arg) => {
      const withTools = arg.startsWith('--tools');
      const question = withTools ? arg.slice('--tools'.length).trim() : arg;
      if (!question) return ctx.print(['Usage: /btw [--tools] <question>', '']);
      ctx.aside(question, withTools);
    },
  },
  {
    names: ['/steer'],
    usage: '/steer <message>',
    help: 'tell the working agent something before its next step',
    whileRunning: true,
    run: (ctx, arg) => void (arg && ctx.queue.steer.push(arg)),
  },
  {
    names: ['/queue', '/followup'],
    usage: '/queue [message]',
    help: 'queue a message for after the current work (alone: list the queue)',
    whileRunning: true,
    run: (ctx, arg) => {
      if (arg) return void ctx.queue.followup.push(arg);
      const { steer, followup } = ctx.queue;
      ctx.print(steer.length + followup.length ? [...steer.map((m) => `steer: ${m}`), ...followup.map((m) => `after: ${m}`), ''] : ['The queue is empty.', '']);
    },
  },
  {
    names: ['/dequeue'],
    usage: '/dequeue [edit]',
    help: 'clear the queue and print it, or edit it as JSON in $VISUAL/$EDITOR',
    whileRunning: true,
    run: (ctx, arg) => {
      const q = ctx.queue;
      if (arg !== 'edit') {
        const all = [...q.steer.map((m) => `steer: ${m}`), ...q.followup.map((m) => `after: ${m}`)];
        q.steer.length = 0;
        q.followup.length = 0;
        return ctx.print(all.length ? ['Removed from the queue:', ...all, ''] : ['The queue is empty.', '']);
      }
      const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
      const file = join(tmpdir(), `nanocode-queue-${process.pid}.json`);
      writeFileSync(file, `${JSON.stringify(q, null, 2)}\n`);
      ctx.suspend(() => spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' }));
      const parsed = QueueSchema.safeParse(readJson(file));
      if (!parsed.success) return ctx.print([ctx.style.red('The queue file is not {"steer": [...], "followup": [...]}; the queue is unchanged.'), '']);
      q.steer.splice(0, q.steer.length, ...parsed.data.steer);
      q.followup.splice(0, q.followup.length, ...parsed.data.followup);
      ctx.print([`Queue: ${q.steer.length} steering, ${q.followup.length} after.`, '']);
    },
  },
  {
    names: ['/quit', '/q', '/exit'],
    usage: '/quit, /q, exit',
    help: 'leave nanocode',
    whileRunning: true,
    run: (ctx) => ctx.exit(0),
  },
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.names.includes(name));
}

export const commandNames = (): string[] => COMMANDS.flatMap((c) => c.names);
