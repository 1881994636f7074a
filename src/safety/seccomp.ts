// A seccomp filter for the sandbox, handed to bwrap (--seccomp FD) as raw
// classic BPF. It closes the one door a read-only file system leaves open:
// Unix sockets. connect() to a socket file works on a read-only mount, and
// behind socket files sit the Docker daemon, tmux, X11, the systemd user
// manager (systemd-run) and agents, each a way out of the sandbox. So
// socket(AF_UNIX) fails with EPERM; socketpair() stays allowed for streams
// (Node, Python and most runtimes use it for child pipes) but not for
// datagrams, whose halves can be disconnected and re-aimed at any path.
// io_uring is refused because it can create sockets without the socket()
// call. Programs of another architecture (32-bit on a 64-bit kernel) are
// killed: their socket calls go through socketcall(), which BPF cannot read.

/** struct seccomp_data offsets: nr, arch, then the six 64-bit arguments (little-endian). */
const NR = 0;
const ARCH = 4;
const argLow = (i: number) => 16 + 8 * i;

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
const EPERM = 1;
const X32_BIT = 0x40000000;

const ALLOW = 0x7fff0000;
const DENY = 0x00050000 | EPERM; // SECCOMP_RET_ERRNO
const KILL = 0x80000000; // SECCOMP_RET_KILL_PROCESS

const LD = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JSET = 0x45; // BPF_JMP | BPF_JSET | BPF_K
const AND = 0x54; // BPF_ALU | BPF_AND | BPF_K
const RET = 0x06; // BPF_RET | BPF_K

interface Target {
  audit: number;
  socket: number;
  socketpair: number;
}

// Node's process.arch → AUDIT_ARCH_* and syscall numbers. io_uring's are
// the same (425-427) on both.
const TARGETS: Record<string, Target> = {
  x64: { audit: 0xc000003e, socket: 41, socketpair: 53 },
  arm64: { audit: 0xc00000b7, socket: 198, socketpair: 199 },
};
const IO_URING = [425, 426, 427];

/** One instruction; jumps name a label, resolved to relative offsets below. */
interface Insn {
  label?: string;
  code: number;
  k: number;
  jt?: string;
  jf?: string;
}

function program(t: Target): Insn[] {
  return [
    { code: LD, k: ARCH },
    { code: JEQ, k: t.audit, jf: 'kill' },
    { code: LD, k: NR },
    { code: JSET, k: X32_BIT, jt: 'deny' },
    { code: JEQ, k: t.socket, jt: 'socket' },
    { code: JEQ, k: t.socketpair, jt: 'socketpair' },
    ...IO_URING.map((nr) => ({ code: JEQ, k: nr, jt: 'deny' })),
    { code: RET, k: ALLOW },
    { label: 'socket', code: LD, k: argLow(0) },
    { code: JEQ, k: AF_UNIX, jt: 'deny', jf: 'allow' },
    { label: 'socketpair', code: LD, k: argLow(0) },
    { code: JEQ, k: AF_UNIX, jf: 'allow' },
    { code: LD, k: argLow(1) },
    { code: AND, k: 0xf }, // the type without SOCK_CLOEXEC / SOCK_NONBLOCK
    { code: JEQ, k: SOCK_DGRAM, jt: 'deny' },
    { code: JEQ, k: SOCK_RAW, jt: 'deny' },
    { label: 'allow', code: RET, k: ALLOW },
    { label: 'deny', code: RET, k: DENY },
    { label: 'kill', code: RET, k: KILL },
  ];
}

/** The filter as bytes for bwrap --seccomp, or undefined on an architecture we have no numbers for. */
export function seccompFilter(arch: string = process.arch): Buffer | undefined {
  const target = TARGETS[arch];
  if (!target) return undefined;
  const insns = program(target);
  const at = new Map(insns.flatMap((insn, i) => (insn.label ? [[insn.label, i] as const] : [])));
  const buf = Buffer.alloc(insns.length * 8);
  insns.forEach((insn, i) => {
    // A jump counts from the next instruction; no label means fall through.
    const offset = (label?: string) => (label ? at.get(label)! - i - 1 : 0);
    buf.writeUInt16LE(insn.code, i * 8);
    buf.writeUInt8(offset(insn.jt), i * 8 + 2);
    buf.writeUInt8(offset(insn.jf), i * 8 + 3);
    buf.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return buf;
}
