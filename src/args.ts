// Command-line flags.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isPermissionMode, type PermissionMode } from './safety/modes.ts';

export const USAGE = `nanocode: a coding agent for your terminal

Usage:
  nanocode "task"              run the task to completion, print the answer
  nanocode -p "task"           the same (print mode)
  echo '{"prompt":"task","cwd":"dir"}' | nanocode
                               the task from stdin, as JSON or plain text

Options:
  -p, --print <task>           the task (the same as giving it as an argument)
  -m, --model <id>             model id or provider/model (anthropic/claude-sonnet-4-6)
      --max-turns <n>          stop after n model turns (default 40)
      --cwd <dir>              working directory (default: current)
      --mode <text|json|rpc>   json: every event as a JSON line on stdout;
                               rpc: commands as JSON lines on stdin, no task (see the README)
  -q, --quiet                  no progress or retry notices on stderr
      --system-prompt <s>      replace the system prompt (text, or a file path)
      --append-system-prompt <s>  add to the system prompt (text, or a file path)
      --tools <list|none>      comma-separated tools to enable (default: all)
      --no-context-files       read no AGENTS.md, CLAUDE.md, SYSTEM.md or APPEND_SYSTEM.md
  -c, --continue               continue the latest session in this folder
      --resume [id]            resume a session by id or name (no id: pick one)
      --fork <[id:]turn>       continue from turn n of a session (default: the latest) in a new session
      --no-session             keep no session file
      --allow <rule>           allow calls matching a rule, e.g. 'Bash(npm run test:*)' (repeatable)
      --deny <rule>            refuse calls matching a rule, e.g. 'Bash(git push:*)' (repeatable)
      --permission-mode <m>    default, acceptEdits, plan (read-only) or bypassPermissions
  -y, --yes                    nothing asks (bypassPermissions); deny rules and the sandbox still apply
      --dangerously-skip-permissions  the same as --yes
      --sandbox <on|off>       run commands in the OS sandbox (default: where bubblewrap works)
      --trust                  trust this project's own config (.nanocode/, .mcp.json, .env endpoints)
  -h, --help                   show this help
  -v, --version                show the version

Exit codes: 0 done, 1 failed (provider error, max turns), 2 usage or configuration error,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM), 129 hung up (SIGHUP, the terminal closed).`;

export interface Args {
  prompt?: string;
  model?: string;
  maxTurns: number;
  cwd?: string;
  mode: 'text' | 'json' | 'rpc';
  quiet: boolean;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  tools?: string[];
  contextFiles: boolean;
  help: boolean;
  version: boolean;
  continue: boolean;
  /** true: resume, to be picked; a string: that session. */
  resume?: string | true;
  fork?: { session?: string; turn: number };
  session: boolean;
  allow: string[];
  deny: string[];
  /** --permission-mode, or bypassPermissions from --yes. */
  permissionMode?: PermissionMode;
  /** --sandbox on|off; undefined: the setting, else on where it works. */
  sandbox?: boolean;
  trust: boolean;
}

export class UsageError extends Error {}

export function parseCliArgs(argv: string[]): Args {
  // --resume takes an optional id: only a following word that is not a flag and
  // looks like a session id or name (no spaces) is its value.
  let resume: string | true | undefined;
  const at = argv.indexOf('--resume');
  if (at !== -1) {
    const next = argv[at + 1];
    const hasValue = next !== undefined && !next.startsWith('-') && !/\s/.test(next);
    resume = hasValue ? next : true;
    argv = [...argv.slice(0, at), ...argv.slice(at + (hasValue ? 2 : 1))];
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        print: { type: 'string', short: 'p' },
        model: { type: 'string', short: 'm' },
        'max-turns': { type: 'string' },
        cwd: { type: 'string' },
        mode: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        'system-prompt': { type: 'string' },
        'append-system-prompt': { type: 'string' },
        tools: { type: 'string' },
        'no-context-files': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        continue: { type: 'boolean', short: 'c' },
        fork: { type: 'string' },
        'no-session': { type: 'boolean' },
        allow: { type: 'string', multiple: true },
        deny: { type: 'string', multiple: true },
        'permission-mode': { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'dangerously-skip-permissions': { type: 'boolean' },
        sandbox: { type: 'string' },
        trust: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  const maxTurns = v['max-turns'] === undefined ? 40 : Number(v['max-turns']);
  if (!Number.isInteger(maxTurns) || maxTurns < 1) throw new UsageError(`--max-turns takes a positive whole number, not "${v['max-turns']}"`);
  const mode = v.mode ?? 'text';
  if (mode !== 'text' && mode !== 'json' && mode !== 'rpc') throw new UsageError(`--mode is text, json or rpc, not "${mode}"`);
  const prompt = [v.print, ...parsed.positionals].filter((s) => s !== undefined).join(' ') || undefined;
  if (mode === 'rpc' && prompt !== undefined) throw new UsageError('--mode rpc takes its prompts as commands on stdin, not as a task');
  let fork: Args['fork'];
  if (v.fork !== undefined) {
    const m = /^(?:(.+):)?(\d+)$/.exec(v.fork);
    if (!m) throw new UsageError(`--fork takes [session:]turn, such as 3 or 2026-11-24T10-00-00-abc123:3, not "${v.fork}"`);
    fork = { session: m[1], turn: Number(m[2]) };
  }
  const permissionMode = v['permission-mode'] ?? (v.yes || v['dangerously-skip-permissions'] ? 'bypassPermissions' : undefined);
  if (permissionMode !== undefined && !isPermissionMode(permissionMode)) {
    throw new UsageError(`--permission-mode is default, acceptEdits, plan or bypassPermissions, not "${permissionMode}"`);
  }
  if (v.sandbox !== undefined && v.sandbox !== 'on' && v.sandbox !== 'off') throw new UsageError(`--sandbox is on or off, not "${v.sandbox}"`);
  return {
    prompt,
    model: v.model,
    maxTurns,
    cwd: v.cwd,
    mode,
    quiet: !!v.quiet,
    systemPrompt: textOrFile('--system-prompt', v['system-prompt']),
    appendSystemPrompt: textOrFile('--append-system-prompt', v['append-system-prompt']),
    tools: v.tools === undefined ? undefined : v.tools === 'none' ? [] : v.tools.split(',').map((s) => s.trim()).filter(Boolean),
    contextFiles: !v['no-context-files'],
    help: !!v.help,
    version: !!v.version,
    continue: !!v.continue,
    resume,
    fork,
    session: !v['no-session'],
    allow: v.allow ?? [],
    deny: v.deny ?? [],
    permissionMode,
    sandbox: v.sandbox === undefined ? undefined : v.sandbox === 'on',
    trust: !!v.trust,
  };
}

/**
 * A flag value that names an existing file means the file's content. A value
 * that looks like a path (./, ../, /, ~/, or .md/.txt) must be a file one can
 * read: a typo in a path must not become the prompt.
 */
function textOrFile(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const looksLikePath = /^(\.{0,2}\/|~\/)/.test(value) || /\.(md|txt)$/i.test(value);
  const path = value.startsWith('~/') ? join(homedir(), value.slice(2)) : value;
  if (!looksLikePath && !existsSync(path)) return value;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (!looksLikePath) return value; // a folder that happens to share the text's name
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${value}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (err as Error).message}`);
  }
}
