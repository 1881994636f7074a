// The terminal's commands for what the user added to the agent: skills, MCP
// servers, and reading context files, skills and MCP configuration again.
// (/context, in commands.ts, lists the context files.)
import type { Agent } from '../agent/agent.ts';
import { formatStatus } from '../mcp/mcp.ts';
import { searchTools } from '../mcp/search.ts';
import { skillPrompt } from '../skills/skills.ts';
import type { Command, CommandContext } from './commands.ts';

/** What was loaded, in a line: "2 context files (3.1 KB), 1 skill, 1 MCP server". */
function summary(agent: Agent): string {
  const { context, skills, mcp } = agent.extensions;
  const bytes = context.parts.reduce((n, p) => n + p.bytes, 0);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return `${count(context.parts.length, 'context file')} (${(bytes / 1024).toFixed(1)} KB), ${count(skills.length, 'skill')}, ${count(mcp?.status().length ?? 0, 'MCP server')}`;
}

async function reload(ctx: CommandContext): Promise<void> {
  const warnings = await ctx.agent.reload();
  ctx.print([...warnings.map((w) => ctx.style.yellow(w)), `Reloaded: ${summary(ctx.agent)}.`, '']);
}

function mcpStatus(ctx: CommandContext): void {
  ctx.print([...formatStatus(ctx.agent.extensions.mcp?.status() ?? []).split('\n'), '']);
}

export const EXT_COMMANDS: Command[] = [
  {
    names: ['/reload'],
    usage: '/reload',
    help: 'read context files, skills and MCP configuration again',
    run: reload,
  },
  {
    names: ['/skills'],
    usage: '/skills',
    help: 'the skills the model can load',
    whileRunning: true,
    run: (ctx) => {
      const { skills } = ctx.agent.extensions;
      if (!skills.length) return ctx.print(['No skills. A skill is a folder with a SKILL.md in .nanocode/skills/ or ~/.nanocode/skills/.', '']);
      ctx.print([...skills.flatMap((s) => [`${ctx.style.bold(s.name.padEnd(20))} ${s.description}`, ctx.style.gray(`${''.padEnd(20)} ${s.file}`)]), '']);
    },
  },
  {
    names: ['/skill:'],
    usage: '/skill:<name> [request]',
    help: 'run a skill, with what you ask of it',
    run: (ctx, arg) => {
      const [name = '', ...words] = arg.split(/\s+/);
      const { skills } = ctx.agent.extensions;
      const skill = skills.find((s) => s.name === name);
      if (!skill) return ctx.print([`No skill "${name}". ${skills.length ? `Skills: ${skills.map((s) => s.name).join(', ')}.` : 'There are no skills.'}`, '']);
      ctx.prompt(skillPrompt(skill, words.join(' ')));
    },
  },
  {
    names: ['/mcp'],
    usage: '/mcp [search <words> | reload]',
    help: 'MCP servers and their state; search their tools; read the configuration again',
    whileRunning: true,
    run: async (ctx, arg) => {
      const [sub, ...words] = arg.split(/\s+/);
      const { mcp } = ctx.agent.extensions;
      if (sub === 'search') return ctx.print([...(mcp ? await searchTools(mcp, words.join(' ')) : 'No MCP servers configured.').split('\n'), '']);
      if (sub === 'reload') {
        if (ctx.running) return ctx.print([ctx.style.yellow('/mcp reload waits until the agent is done (Esc interrupts it).'), '']);
        await reload(ctx);
      } else if (sub) return ctx.print(['Usage: /mcp [search <words> | reload]', '']);
      mcpStatus(ctx);
    },
  },
];
