// A command that fails because of the sandbox prints the operating system's
// words ("Read-only file system", "Could not resolve host"), which a model
// easily takes for a broken machine and works around. A hint appended to
// the result says what happened and what to ask for instead.

interface Rule {
  /** One hint per kind, the first rule's. */
  kind: 'write' | 'network' | 'socket' | 'privileges';
  /** Only in a shell without network. */
  offline?: boolean;
  pattern: RegExp;
  hint: string;
}

const RULES: Rule[] = [
  {
    kind: 'write',
    // EROFS for paths outside the writable folders; EBUSY for the protected
    // paths themselves (mount points: git's rename of config.lock, rm, mv).
    pattern: /Read-only file system|\bEROFS\b|Device or resource busy|\bEBUSY\b/,
    hint: 'writes outside the workspace and the temp folder are blocked, and .git/hooks, .git/config, .nanocode/ and nanocode\'s own folder are read-only. Do not work around it; if the write is needed, ask the user to run the command outside the sandbox',
  },
  {
    kind: 'network',
    offline: true,
    pattern:
      /Could not resolve host|Temporary failure in name resolution|\bEAI_AGAIN\b|getaddrinfo ENOTFOUND|Name or service not known|unable to resolve host|Network is unreachable|\bENETUNREACH\b/i,
    hint: 'this command has no network access. If it needs the network (downloads, package installs, git fetch/push), ask the user to allow network for this command',
  },
  {
    kind: 'network',
    offline: true,
    // The sandbox has its own loopback: servers of the host, even on 127.0.0.1, are not there.
    pattern: /\bECONNREFUSED\b|Connection refused|Couldn't connect to server/i,
    hint: 'this command has no network access, and servers running outside the sandbox are unreachable, also on 127.0.0.1 and localhost. A server the same command starts is reachable; otherwise ask the user to allow network for this command',
  },
  {
    kind: 'socket',
    pattern: /(socket|connect)[^\n]*operation not permitted|operation not permitted[^\n]*socket|connect EPERM/i,
    hint: 'local (Unix) sockets such as Docker\'s, tmux\'s or D-Bus\'s are blocked in the sandbox. If the command needs one, ask the user to run it outside the sandbox',
  },
  {
    kind: 'privileges',
    // bwrap sets no_new_privs: sudo, su and other setuid programs cannot raise privileges.
    pattern: /no new privileges|\bnosuid\b/,
    hint: 'commands cannot gain privileges inside the sandbox (sudo, su, setuid programs). Ask the user to run it themselves',
  },
];

/**
 * A hint for a failed command's output when the sandbox is the likely cause,
 * e.g. "[sandbox: this command has no network access. ...]"; undefined when
 * the command succeeded or nothing points at the sandbox.
 */
export function explainSandboxFailure(output: string, exitCode: number | null, network: boolean): string | undefined {
  if (exitCode === 0 || exitCode === null) return undefined;
  const hints = new Map<Rule['kind'], string>();
  for (const rule of RULES) {
    if (rule.offline && network) continue;
    if (!hints.has(rule.kind) && rule.pattern.test(output)) hints.set(rule.kind, `[sandbox: ${rule.hint}.]`);
  }
  return hints.size ? [...hints.values()].join('\n') : undefined;
}
