// The OS sandbox: the persistent shell runs inside bubblewrap (bwrap), so a
// command costs what it costs today and only starting the shell pays (a few
// ms; bench/sandbox.ts). bwrap rather than @anthropic-ai/sandbox-runtime:
// that wraps the same bwrap but adds socat relays, an HTTP/SOCKS proxy and a
// ripgrep scan of the workspace to every shell start, for per-domain network
// rules we do not need; network here is all or nothing, per command.
//
// Inside: the whole file system read-only, the workspace and the temp folder
// writable, the repository's hooks and config, .nanocode/ and nanocode's home
// read-only again (sandbox-mounts.ts); a fresh /dev and, in a new PID
// namespace, a fresh /proc, so nanocode's process (and /proc/<pid>/environ)
// is not there to read; no network unless asked for; no capabilities; no Unix
// sockets (seccomp.ts).
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Mounts, type MountSpec, sandboxMounts } from './sandbox-mounts.ts';
import { seccompFilter } from './seccomp.ts';

export type Sandbox = { kind: 'bwrap'; path: string } | { kind: 'none'; why: string };

export interface SandboxSpec extends MountSpec {
  /**
   * Whether the shell may reach the network. A shell without it cannot gain
   * it later: a command the user allows the network runs in a one-off shell
   * with `network: true`, which costs one shell start (bench:sandbox).
   */
  network: boolean;
}

export interface SandboxCommand {
  command: string;
  args: string[];
  /** The seccomp filter bwrap reads from `seccompFd`; undefined on architectures without one. */
  seccomp?: Buffer;
  seccompFd: number;
}

/** Flags every sandbox gets, the probe's included; the filter is read from fd `seccompFd`. */
function baseArgs(network: boolean, seccompFd: number | undefined): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--unshare-pid',
    '--proc', '/proc',
    // bwrap covers /proc/sys only when the folder itself is writable, which
    // it never is: as root, core_pattern and the rest stayed writable.
    '--ro-bind', '/proc/sys', '/proc/sys',
    '--ro-bind-try', '/proc/sysrq-trigger', '/proc/sysrq-trigger',
    '--unshare-ipc',
    ...(network ? [] : ['--unshare-net']),
    // With nanocode gone (even killed with SIGKILL) the whole sandbox goes.
    '--die-with-parent',
    // No terminal to inject keystrokes into (TIOCSTI) even if one is ever
    // inherited. It moves the shell out of bwrap's process group, so a
    // kill(-pid) reaches bwrap alone, and --die-with-parent ends the rest.
    '--new-session',
    // Run as root, bwrap would keep every capability (remount / read-write).
    '--cap-drop', 'ALL',
    ...(seccompFd !== undefined ? ['--seccomp', String(seccompFd)] : []),
  ];
}

function mountArgs(m: Mounts): string[] {
  return [
    ...m.writable.flatMap((p) => ['--bind', p, p]),
    ...m.pinned.flatMap((p) => ['--bind', p, p]),
    ...m.readOnly.flatMap((p) => ['--ro-bind', p, p]),
    ...m.hidden.flatMap((h) =>
      h.kind === 'file'
        ? ['--ro-bind', '/dev/null', h.path]
        : ['--tmpfs', h.path, ...h.keep.flatMap((k) => ['--ro-bind', k, k]), '--remount-ro', h.path],
    ),
  ];
}

/**
 * The bwrap command line that runs `bash --noprofile --norc` in the sandbox.
 * Spawn it with spawnSandboxed (which feeds the seccomp filter), detached as
 * today: killing its process group, or just the bwrap process, ends the PID
 * namespace and with it every process inside, setsid/nohup daemons included.
 * Creates missing protected folders (see sandboxMounts), so call it once per
 * shell start, not to print a command line. `seccompFd` is the first fd the
 * caller's stdio leaves free (3, or 4 for a shell that keeps fd 3 for itself).
 */
export function sandboxCommand(bwrap: string, spec: SandboxSpec, seccompFd = 3): SandboxCommand {
  const seccomp = seccompFilter();
  return {
    command: bwrap,
    args: [...baseArgs(spec.network, seccomp && seccompFd), ...mountArgs(sandboxMounts(spec)), '--', 'bash', '--noprofile', '--norc'],
    seccomp,
    seccompFd,
  };
}

/**
 * Spawns the sandboxed shell. `options.stdio` gives the slots the shell
 * gets (default three pipes); one more carries the seccomp filter to bwrap,
 * which reads it whole before starting and closes it, so the shell never sees it.
 */
export function spawnSandboxed(bwrap: string, spec: SandboxSpec, options: SpawnOptions = {}): ChildProcess {
  return spawnWithFilter(sandboxCommand(bwrap, spec, stdioOf(options).length), options);
}

type Stdio = Extract<SpawnOptions['stdio'], unknown[]>;

function stdioOf(options: SpawnOptions): Stdio {
  return Array.isArray(options.stdio) ? options.stdio : [options.stdio ?? 'pipe', options.stdio ?? 'pipe', options.stdio ?? 'pipe'];
}

function spawnWithFilter({ command, args, seccomp, seccompFd }: SandboxCommand, options: SpawnOptions): ChildProcess {
  const stdio: Stdio = [...stdioOf(options).slice(0, seccompFd), ...(seccomp ? ['pipe' as const] : [])];
  const child = spawn(command, args, { ...options, stdio });
  const filterPipe = child.stdio[seccompFd] as NodeJS.WritableStream | null | undefined;
  filterPipe?.on('error', () => {}); // bwrap failed before reading it; its exit says why
  if (seccomp) filterPipe?.end(seccomp);
  return child;
}

function onPath(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const probes = new Map<string, Promise<Sandbox>>();

/**
 * Whether commands can be sandboxed here: bwrap on PATH, and able to build a
 * sandbox like the real one (user namespaces may be disabled, for instance
 * in containers or by AppArmor on Ubuntu 24.04). Cached per PATH.
 */
export function detectSandbox(env: NodeJS.ProcessEnv): Promise<Sandbox> {
  const key = env.PATH ?? '';
  let probe = probes.get(key);
  if (!probe) probes.set(key, (probe = detect(env)));
  return probe;
}

async function detect(env: NodeJS.ProcessEnv): Promise<Sandbox> {
  const path = onPath('bwrap', env.PATH);
  if (!path) return { kind: 'none', why: 'bubblewrap (bwrap) is not installed' };
  const seccomp = seccompFilter();
  const child = spawnWithFilter(
    { command: path, args: [...baseArgs(false, seccomp && 3), '--', 'true'], seccomp, seccompFd: 3 },
    { stdio: ['ignore', 'ignore', 'pipe'], env },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const ok = await new Promise<boolean>((done) => {
    child.on('error', (err) => {
      stderr ||= err.message;
      done(false);
    });
    child.on('close', (code) => done(code === 0));
  });
  if (ok) return { kind: 'bwrap', path };
  return { kind: 'none', why: `bwrap cannot create a sandbox here: ${stderr.trim().split('\n')[0] || 'it failed'}` };
}
