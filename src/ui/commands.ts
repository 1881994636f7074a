// Slash commands of the interactive terminal.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Agent, Queue } from '../agent/agent.ts';
import type { Sessions } from '../session/sessions.ts';
import { summariseThreshold } from '../agent/compaction.ts';
import { contextListing } from '../agent/context-files.ts';
import { listModels } from '../model/list-models.ts';
import type { Permissions } from '../safety/gate.ts';
import { isPermissionMode, MODE_SUMMARY, PERMISSION_MODES } from '../safety/modes.ts';
import { closest } from '../tools/similar.ts';
import { processSpills } from '../tools/spills.ts';
import { type Style, visibleWidth, wrapWords } from './ansi.ts';
import { EXT_COMMANDS } from './ext-commands.ts';
import { oneLine } from './visible.ts';

export interface CommandContext {
  agent: Agent;
  style: Style;
  running: boolean;
  /** Columns of the terminal. */
  width: number;
  /** The command that edits a file ($VISUAL, $EDITOR, else vi). */
  editor: string;
  /** Writes lines to the scrollback. */
  print(lines: string[]): void;
  /** Starts a throw-away side question (/btw). */
  aside(question: string, withTools: boolean): void;
  /** Summarises older history now; false when there was nothing to do. */
  compact(instructions?: string): Promise<boolean>;
  /** Runs a program that needs the terminal ($EDITOR). */
  suspend<T>(fn: () => T): T;
  exit(code: number): void;
  /** Sends a prompt, as if typed (/skill:<name>). */
  prompt(text: string): void;
  /** The permission gate, when there is one (/mode). */
  permissions?: Permissions;
}

export interface Command {
  names: string[];
  usage: string;
  help: string;
  /** Allowed while the agent works. */
  whileRunning?: boolean;
  run(ctx: CommandContext, arg: string): void | Promise<void>;
}

/** The queue as /dequeue edit shows it in the editor. */
const QueueSchema = z.object({ steer: z.array(z.string()), followup: z.array(z.string()) });

/** The queue's messages, one a line: `steer: ...`, then `after: ...`. */
function queueLines(q: Queue): string[] {
  return [...q.steer.map((m) => `steer: ${m}`), ...q.followUp.map((m) => `after: ${m}`)];
}

const fmt = (n: number) => n.toLocaleString('en-US');

function needSessions(ctx: CommandContext): Sessions | undefined {
  if (!ctx.agent.sessions) ctx.print(['Sessions are off (--no-session).', '']);
  return ctx.agent.sessions;
}

function sessionLine(ctx: CommandContext, x: { id: string; name?: string; firstPrompt: string; modified: Date; bytes: number }, i: number): string {
  const when = x.modified.toISOString().slice(0, 16).replace('T', ' ');
  return `${String(i + 1).padStart(3)}. ${ctx.style.bold(x.name ?? x.id)}  ${when}  ${(x.bytes / 1024).toFixed(1)} KB  ${x.firstPrompt}`;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A tool's name and its whole description, wrapped at word boundaries beside the name. */
function describeTool(ctx: CommandContext, name: string, description: string): string[] {
  const indent = 13;
  const rows = description.split('\n').flatMap((p) => wrapWords(p, Math.max(20, ctx.width - indent)));
  return rows.map((r, i) => `${i === 0 ? ctx.style.bold(name.padEnd(indent - 1)) : ''.padEnd(indent - 1)} ${r}`.trimEnd());
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
    run: (ctx) => ctx.print(ctx.agent.tools.flatMap((t) => [...describeTool(ctx, t.name, t.description), ''])),
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
    help: 'how full the context window is, and the context files loaded',
    whileRunning: true,
    run: (ctx) => {
      const { contextTokens, info, compaction } = ctx.agent;
      const window = info.contextWindow;
      const pct = ((contextTokens / window) * 100).toFixed(1);
      const auto = compaction.enabled
        ? `old tool outputs are snipped past ${fmt(window / 2)}; older turns are summarised past ${fmt(Math.round(summariseThreshold(window, compaction)))}`
        : 'automatic compaction is off (NANOCODE_COMPACTION=0); /compact runs it';
      ctx.print([`context: about ${fmt(contextTokens)} of ${fmt(window)} tokens (${pct}%), ${ctx.agent.messages.length} messages`, auto, '', ...contextListing(ctx.agent.extensions.context).split('\n'), '']);
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
    run: (ctx, arg) => void (arg && ctx.agent.steer(arg)),
  },
  {
    names: ['/queue', '/followup'],
    usage: '/queue [message]',
    help: 'queue a message for after the current work (alone: list the queue)',
    whileRunning: true,
    run: (ctx, arg) => {
      if (arg) return ctx.agent.followUp(arg);
      const queued = queueLines(ctx.agent.queue);
      ctx.print(queued.length ? [...queued, ''] : ['The queue is empty.', '']);
    },
  },
  {
    names: ['/dequeue'],
    usage: '/dequeue [edit]',
    help: 'clear the queue and print it, or edit it as JSON in $VISUAL/$EDITOR',
    whileRunning: true,
    run: (ctx, arg) => {
      if (arg !== 'edit') {
        const removed = queueLines(ctx.agent.clearQueue());
        return ctx.print(removed.length ? ['Removed from the queue:', ...removed, ''] : ['The queue is empty.', '']);
      }
      // In nanocode's private folder, read-only to sandboxed commands: the shared temp folder is theirs to plant links in.
      const file = join(processSpills().folder(), 'queue.json');
      const { steer, followUp } = ctx.agent.queue;
      writeFileSync(file, `${JSON.stringify({ steer, followup: followUp }, null, 2)}\n`);
      ctx.suspend(() => spawnSync('sh', ['-c', `${ctx.editor} "$1"`, 'sh', file], { stdio: 'inherit' }));
      const parsed = QueueSchema.safeParse(readJson(file));
      if (!parsed.success) return ctx.print([ctx.style.red('The queue file is not {"steer": [...], "followup": [...]}; the queue is unchanged.'), '']);
      ctx.agent.setQueue({ steer: parsed.data.steer, followUp: parsed.data.followup });
      ctx.print([`Queue: ${parsed.data.steer.length} steering, ${parsed.data.followup.length} after.`, '']);
    },
  },
  {
    names: ['/compact'],
    usage: '/compact [instructions]',
    help: 'summarise older history now, optionally saying what matters',
    run: async (ctx, arg) => {
      if (await ctx.compact(arg || undefined)) return;
      const { agent } = ctx;
      ctx.print([`Nothing to compact: the conversation (${agent.messages.length} messages, about ${fmt(agent.contextTokens)} tokens) is too short to summarise.`, '']);
    },
  },
  {
    names: ['/save'],
    usage: '/save [name]',
    help: 'name this session (to resume it by name)',
    whileRunning: true,
    run: (ctx, arg) => {
      const s = needSessions(ctx);
      if (!s) return;
      if (arg) s.name(arg);
      ctx.print([`Session ${s.id}${arg ? ` is named "${arg}"` : ''}: saved in ${s.file}`, '']);
    },
  },
  {
    names: ['/sessions'],
    usage: '/sessions',
    help: 'recent sessions here: first prompt, time, size',
    whileRunning: true,
    run: (ctx) => {
      const list = needSessions(ctx)?.list() ?? [];
      ctx.print([...list.slice(0, 20).map((x, i) => sessionLine(ctx, x, i)), list.length ? '' : 'No sessions yet.', '']);
    },
  },
  {
    names: ['/resume'],
    usage: '/resume [n or id]',
    help: 'continue an earlier session (alone: pick from the list)',
    run: (ctx, arg) => {
      const s = needSessions(ctx);
      if (!s) return;
      const list = s.list().filter((x) => x.id !== s.id);
      if (!arg) return ctx.print(['Pick a session with /resume <number or id>:', ...list.slice(0, 20).map((x, i) => sessionLine(ctx, x, i)), '']);
      const pick = /^\d+$/.test(arg) && Number(arg) <= list.length ? list[Number(arg) - 1].id : arg;
      const restored = s.resume(pick);
      ctx.print([...restored.warnings.map((w) => ctx.style.yellow(w)), `Resumed ${restored.id}: ${restored.messages.length} messages.`, '']);
    },
  },
  {
    names: ['/fork'],
    usage: '/fork [turn]',
    help: 'continue from an earlier turn in a new session (alone: list the turns)',
    run: (ctx, arg) => {
      const s = needSessions(ctx);
      if (!s) return;
      if (!arg) return ctx.print(['Fork after which turn? /fork <n>', ...s.turns().map((t, i) => `  ${i + 1}. ${t}`), '']);
      const restored = s.fork(Number(arg));
      ctx.print([`Forked into ${restored.id} after turn ${arg}: ${restored.messages.length} messages.`, '']);
    },
  },
  ...EXT_COMMANDS,
  {
    names: ['/mode'],
    usage: '/mode [mode]',
    help: 'show or set the permission mode (Shift+Tab cycles)',
    whileRunning: true,
    run: (ctx, arg) => {
      const p = ctx.permissions;
      if (!p) return ctx.print(['Permissions are not checked in this session.', '']);
      if (arg) {
        if (!isPermissionMode(arg)) return ctx.print([`No mode "${arg}": ${PERMISSION_MODES.join(', ')}.`, '']);
        if (arg === 'bypassPermissions' && !p.bypassAllowed) return ctx.print(['bypassPermissions needs nanocode started with --yes or --permission-mode bypassPermissions.', '']);
        p.mode = arg;
      }
      ctx.print([...PERMISSION_MODES.map((m) => `${m === p.mode ? '●' : ' '} ${ctx.style.bold(m.padEnd(18))} ${MODE_SUMMARY[m]}`), '']);
    },
  },
  {
    names: ['/permissions'],
    usage: '/permissions',
    help: 'the permission mode and every rule in force, with where it comes from',
    whileRunning: true,
    run: (ctx) => {
      const p = ctx.permissions;
      if (!p) return ctx.print(['Permissions are not checked in this session.', '']);
      // A rule or a path may hold control characters (a session rule comes from the model's command).
      const rules = p.rules().map((r) => ({ ...r, text: oneLine(r.text), origin: oneLine(r.origin) }));
      // Aligned, but a long rule must not pad every other line past a narrow terminal.
      const width = Math.min(Math.max(0, ...rules.map((r) => visibleWidth(r.text))), Math.floor(ctx.width / 2));
      ctx.print([
        `Mode: ${ctx.style.bold(p.mode)} (${MODE_SUMMARY[p.mode]})`,
        ...(rules.length ? rules.map((r) => `  ${r.kind.padEnd(5)} ${r.text}${' '.repeat(Math.max(0, width - visibleWidth(r.text)))}  ${ctx.style.gray(r.origin)}`) : ['  No rules: the mode decides.']),
        '',
      ]);
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
