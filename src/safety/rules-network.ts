// Commands that need the network (downloads, remotes, package installs) and
// those that publish or change the system (npm publish, apt-get remove). A
// build that may fetch dependencies (cargo build, go build) counts as
// workspace work: in the sandbox it fails with a message asking for network.
import type { Rule, Verdict } from './command-types.ts';
import {
  dangerous, hasOption, network, operands, optionValue, readOnly, sshRunsLocalCommand, values, workspace, writes,
} from './rules-common.ts';

interface Actions {
  read?: string[];
  net?: string[];
  publish?: string[];
  remove?: string[];
  /** Without an action (bare `yarn` installs). */
  bare?: Verdict;
  /** Global options that take a value, so that the action is found after them. */
  withValue?: string[];
}

/** A tool whose first operand says what it does: `npm install`, `cargo publish`. */
function actions(spec: Actions): Rule {
  return (cmd) => {
    const [first, second] = operands(cmd.args, spec.withValue);
    if (!first) return spec.bare ?? workspace(`runs ${cmd.name}`);
    if (first.value === null) return dangerous(`the ${cmd.name} subcommand is computed (${first.text})`);
    // `yarn npm publish`, `uv pip install`, `go mod download`: a second word may refine the first
    const both = `${first.value} ${second?.value ?? ''}`;
    const action = [first.value, both].find((a) => [spec.publish, spec.remove, spec.net, spec.read].some((l) => l?.includes(a)));
    const shown = `${cmd.name} ${action ?? first.value}`;
    if (!action) return workspace(`${shown} runs in the workspace`);
    if (spec.publish?.includes(action)) return dangerous(`${shown} publishes to a registry`);
    if (spec.remove?.includes(action)) return dangerous(`${shown} removes system packages`);
    if (spec.net?.includes(action)) return network(`${shown} needs the network`);
    return readOnly;
  };
}

const NPM_INSTALL = ['install', 'i', 'in', 'ins', 'inst', 'add', 'ci', 'clean-install', 'install-clean', 'ic', 'update', 'up', 'upgrade', 'install-test', 'it', 'install-ci-test', 'cit', 'dedupe'];
const NPM_REMOTE = ['outdated', 'audit', 'view', 'info', 'show', 'v', 'search', 'ping', 'login', 'adduser', 'whoami', 'doctor', 'exec', 'x', 'init', 'create', 'dlx', 'fetch'];
const NPM_PUBLISH = ['publish', 'unpublish', 'deprecate', 'owner', 'dist-tag', 'access', 'team', 'token', 'npm publish'];
const NPM_READ = ['ls', 'list', 'll', 'la', 'prefix', 'root', 'bin', 'help', 'explain', 'why', 'query', 'config get', 'get'];

const node = actions({ net: [...NPM_INSTALL, ...NPM_REMOTE], publish: NPM_PUBLISH, read: NPM_READ, withValue: ['-w', '--workspace', '--prefix', '-C', '--dir', '--filter', '--cwd'] });

/** npx and friends run a package's binary, downloading it when told to (-y, -p). */
const npx: Rule = (cmd) => {
  const call = optionValue(cmd.args, '-c', '--call');
  if (call) return cmd.source(call, `${cmd.name} -c`);
  return hasOption(cmd.args, '-y', '--yes', '-p', '--package')
    ? network(`${cmd.name} downloads and runs a package`)
    : workspace(`${cmd.name} runs a package's program`);
};

const bun: Rule = (cmd) => (hasOption(cmd.args, '-e', '--eval', '-p', '--print')
  ? dangerous('bun -e runs code the analysis cannot see into')
  : actions({ net: [...NPM_INSTALL, ...NPM_REMOTE, 'pm'], publish: NPM_PUBLISH, read: NPM_READ })(cmd));

const python = actions({
  net: ['install', 'download', 'wheel', 'search', 'index', 'sync', 'add', 'lock', 'update', 'pip install', 'pip sync', 'pip download', 'tool install', 'tool run', 'tool upgrade'],
  publish: ['publish', 'upload'],
  read: ['list', 'show', 'freeze', 'check', 'pip list', 'pip show', 'pip freeze'],
});

const cargo = actions({
  net: ['fetch', 'install', 'update', 'add', 'search', 'login', 'generate-lockfile'],
  publish: ['publish', 'yank', 'owner'],
  read: ['tree', 'metadata', 'version', 'locate-project', 'verify-project'],
  withValue: ['-C', '--manifest-path', '-Z'],
});

const go = actions({
  net: ['get', 'install', 'mod download', 'mod tidy', 'mod vendor'],
  read: ['version', 'env', 'doc', 'list', 'help'],
  withValue: ['-C'],
});

const gem = actions({ net: ['install', 'update', 'fetch', 'outdated', 'search'], publish: ['push', 'yank', 'owner'], read: ['list', 'env', 'which', 'contents'] });
const bundle = actions({ net: ['install', 'update', 'add', 'outdated'], read: ['list', 'show', 'check'], bare: network('bundle installs gems') });
const composer = actions({ net: ['install', 'update', 'require', 'create-project', 'outdated'], read: ['show', 'validate'] });

const SYSTEM_REMOVE = ['remove', 'purge', 'autoremove', 'uninstall', 'erase', 'del', 'reinstall'];
const system = actions({
  net: ['install', 'update', 'upgrade', 'full-upgrade', 'dist-upgrade', 'add', 'fetch', 'download', 'tap', 'makecache', 'refresh'],
  remove: SYSTEM_REMOVE,
  read: ['list', 'search', 'show', 'info', 'policy', 'depends', 'rdepends', 'showpkg', 'madison', 'doctor', 'config', 'leaves', 'deps'],
  withValue: ['-o', '-c', '-t', '--target-release'],
});

const pacman: Rule = (cmd) => {
  const op = values(cmd.args).find((a) => /^-[A-Z]/.test(a)) ?? '';
  if (op.startsWith('-R')) return dangerous('pacman -R removes system packages');
  return op.startsWith('-Q') ? readOnly : network(`pacman ${op} downloads packages`);
};

/** docker run is a container unless it is given the host: --privileged, a host folder outside the workspace, the host's PIDs. */
const docker: Rule = (cmd) => {
  const action = operands(cmd.args, ['-H', '--host', '--context', '-c', '--config'])[0]?.value;
  if (action === 'push') return dangerous(`${cmd.name} push publishes an image`);
  if (action === 'run' || action === 'create') {
    if (hasOption(cmd.args, '--privileged')) return dangerous(`${cmd.name} run --privileged gives the container the host`);
    if (values(cmd.args).some((a) => /^--(pid|userns|ipc|uts)=host$|^--cap-add/.test(a))) return dangerous(`${cmd.name} run shares the host with the container`);
    const mount = optionValue(cmd.args, '-v', '--volume')?.value ?? optionValue(cmd.args, '--mount')?.value?.match(/(?:source|src)=([^,]+)/)?.[1];
    const host = mount?.split(':')[0];
    if (host && /^[/~.]/.test(host) && writes(cmd, [{ text: host, value: host }]).class === 'dangerous') {
      return dangerous(`${cmd.name} run mounts ${host}, outside the workspace`);
    }
    return network(`${cmd.name} ${action} may pull an image`);
  }
  if (['build', 'pull', 'login', 'search'].includes(action ?? '')) return network(`${cmd.name} ${action} needs the network`);
  if (['ps', 'images', 'inspect', 'logs', 'version', 'info', 'top', 'stats', 'port', 'diff', 'history'].includes(action ?? '')) return readOnly;
  return workspace(`${cmd.name} ${action ?? ''} acts on containers`);
};

/** gh reads with view/list/status; everything else acts on GitHub in the user's name. */
const gh: Rule = (cmd) => {
  const [group, verb] = values(operands(cmd.args, ['-R', '--repo']));
  if (group === 'api') {
    const method = optionValue(cmd.args, '-X', '--method')?.value?.toUpperCase() ?? 'GET';
    const fields = hasOption(cmd.args, '-f', '-F', '--field', '--raw-field', '--input');
    return method === 'GET' && !fields ? network('gh api reads from GitHub') : dangerous('gh api changes things on GitHub');
  }
  if (group === 'auth' && verb === 'token') return dangerous('gh auth token prints the GitHub token');
  const reading = ['view', 'list', 'status', 'diff', 'checks', 'search', 'watch', 'download', 'clone', 'checkout'];
  return reading.includes(verb ?? 'status') || group === 'search' || group === 'status'
    ? network(`gh ${group ?? ''} ${verb ?? ''} reads from GitHub`.replace(/ +/g, ' '))
    : dangerous(`gh ${group} ${verb ?? ''} acts on GitHub in your name`.trim());
};

const curl: Rule = (cmd) => {
  const out = optionValue(cmd.args, '-o', '--output');
  const written = out && out.value !== '-' ? writes(cmd, [out]) : undefined;
  return written?.class === 'dangerous' ? written : network(`${cmd.name} downloads from the network`);
};

const wget: Rule = (cmd) => {
  const out = optionValue(cmd.args, '-O', '--output-document') ?? optionValue(cmd.args, '-P', '--directory-prefix');
  const written = out && out.value !== '-' ? writes(cmd, [out]) : undefined;
  return written?.class === 'dangerous' ? written : network('wget downloads from the network');
};

/** rsync and scp reach the network when an operand names a host (`host:path`, `rsync://`). */
const remoteCopy: Rule = (cmd) => {
  // rsync -e and scp -S name the program that carries the copy; scp -o and -F can set ssh's local commands
  const shell = optionValue(cmd.args, '-e', '--rsh', ...(cmd.name === 'scp' ? ['-S'] : []));
  if (shell) {
    const carried = cmd.source(shell, `${cmd.name} ${cmd.name === 'scp' ? '-S' : '-e'}`);
    if (carried.class === 'dangerous') return carried;
  }
  if (cmd.name === 'scp' && sshRunsLocalCommand(values(cmd.args))) {
    return dangerous('scp runs a local command (ProxyCommand, LocalCommand or a config file)');
  }
  const ops = operands(cmd.args, ['-e', '--rsh', '-P', '-i', '-F', '-o', '-S', '--exclude', '--include', '--filter', '--rsync-path']);
  if (ops.some((o) => /^[\w.@-]+:|^rsync:\/\//.test(o.value ?? ''))) return network(`${cmd.name} copies over the network`);
  return writes(cmd, ops.slice(-1));
};

const online = (reason: string): Rule => (cmd) => network(`${cmd.name} ${reason}`);

export const NETWORK_RULES: Record<string, Rule> = {
  npm: node,
  pnpm: node,
  yarn: actions({ net: [...NPM_INSTALL, ...NPM_REMOTE], publish: NPM_PUBLISH, read: NPM_READ, bare: network('yarn installs packages') }),
  npx,
  pnpx: npx,
  bunx: npx,
  bun,
  deno: (cmd) => (values(cmd.args)[0] === 'eval' ? dangerous('deno eval runs code the analysis cannot see into')
    : values(cmd.args).some((a) => /^https?:/.test(a)) ? network('deno runs code from the network')
      : actions({ net: ['install', 'cache', 'upgrade', 'add', 'outdated'], publish: ['publish'] })(cmd)),
  pip: python,
  pip3: python,
  pipx: python,
  uv: python,
  uvx: online('downloads and runs a tool'),
  poetry: python,
  pdm: python,
  twine: actions({ publish: ['upload', 'register'], read: ['check'] }),
  cargo,
  go,
  gem,
  bundle,
  composer,
  ...Object.fromEntries(['apt', 'apt-get', 'aptitude', 'dnf', 'yum', 'apk', 'zypper', 'brew', 'port', 'snap', 'flatpak'].map((n) => [n, system])),
  pacman,
  docker,
  podman: docker,
  gh,
  curl,
  wget,
  rsync: remoteCopy,
  scp: remoteCopy,
  ...Object.fromEntries(['ssh', 'sftp', 'ftp', 'telnet', 'nc', 'ncat', 'netcat', 'socat'].map((n) => [n, online('connects to another machine')])),
  ...Object.fromEntries(['ping', 'dig', 'nslookup', 'host', 'whois', 'traceroute', 'tracepath', 'mtr'].map((n) => [n, online('asks the network')])),
  ...Object.fromEntries(['http', 'https', 'xh', 'aria2c'].map((n) => [n, online('downloads from the network')])),
};
