// Docker's seccomp confinement: its default profile as data, and any Docker-format profile resolved into the OCI spec's `linux.seccomp` for this host and the container's capabilities.
import { release } from 'node:os';
import { InvalidArgumentError } from '../../errors.ts';
import { ALLOWED_SYSCALLS } from './seccomp-syscalls.ts';

/** The runtime spec's LinuxSeccomp. */
export interface SeccompSection {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: SyscallRule[];
}

interface SyscallRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
}

/** moby's profile format: the spec's section plus an architecture map, and rules that hold only for some capabilities, architectures or kernels. */
interface DockerProfile extends Omit<SeccompSection, 'syscalls'> {
  archMap?: Array<{ architecture: string; subArchitectures?: string[] | null }>;
  syscalls?: DockerRule[] | null;
}

interface DockerRule extends Omit<SyscallRule, 'names'> {
  names?: string[] | null;
  /** The old spelling of a one-name rule. */
  name?: string;
  comment?: string;
  includes?: RuleFilter | null;
  excludes?: RuleFilter | null;
}

interface RuleFilter {
  caps?: string[] | null;
  /** libseccomp's names for them: amd64, x86, x32, arm64, arm, s390x … */
  arches?: string[] | null;
  /** "<major>.<minor>" */
  minKernel?: string | null;
}

/** `--security-opt seccomp=` values that name no profile file: Docker's own profile, and none at all. */
export const BUILTIN = 'builtin';
export const UNCONFINED = 'unconfined';

const EPERM = 1;
const ENOSYS = 38;
/** CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET */
const CLONE_NAMESPACE_FLAGS = 0x7e020000;
/** PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32, and 0xffffffff, which only asks for the current one. */
const PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

/** Each 64-bit architecture with the ones its kernel also runs binaries of (x86_64 runs i386 and x32 ones). */
const ARCH_MAP = [['X86_64', 'X86', 'X32'], ['AARCH64', 'ARM'], ['MIPS64', 'MIPS', 'MIPS64N32'], ['MIPS64N32', 'MIPS', 'MIPS64'], ['MIPSEL64', 'MIPSEL', 'MIPSEL64N32'], ['MIPSEL64N32', 'MIPSEL', 'MIPSEL64'], ['S390X', 'S390'], ['RISCV64'], ['LOONGARCH64']].map(
  ([architecture, ...subArchitectures]) => ({ architecture: `SCMP_ARCH_${architecture}`, subArchitectures: subArchitectures.map((arch) => `SCMP_ARCH_${arch}`) }),
);

/** Node's process.arch → libseccomp's name for the host (what rules' arches say) and the spec's. */
const HOST_ARCHES: Record<string, { native: string; seccomp: string }> = {
  x64: { native: 'amd64', seccomp: 'SCMP_ARCH_X86_64' },
  ia32: { native: 'x86', seccomp: 'SCMP_ARCH_X86' },
  arm64: { native: 'arm64', seccomp: 'SCMP_ARCH_AARCH64' },
  arm: { native: 'arm', seccomp: 'SCMP_ARCH_ARM' },
  ppc64: { native: 'ppc64le', seccomp: 'SCMP_ARCH_PPC64LE' },
  s390x: { native: 's390x', seccomp: 'SCMP_ARCH_S390X' },
  riscv64: { native: 'riscv64', seccomp: 'SCMP_ARCH_RISCV64' },
  loong64: { native: 'loongarch64', seccomp: 'SCMP_ARCH_LOONGARCH64' },
};

/** Calls only some architectures have. */
const ARCH_SYSCALLS: Array<[arches: string[], names: string[]]> = [
  [['ppc64le'], ['sync_file_range2', 'swapcontext']],
  [['arm', 'arm64'], ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls']],
  [['amd64', 'x32'], ['arch_prctl']],
  [['amd64', 'x32', 'x86'], ['modify_ldt']],
  [['s390', 's390x'], ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr']],
  [['riscv64'], ['riscv_flush_icache']],
];

/** What each capability adds to the allowlist; the kernel still checks the capability itself. */
const CAPABILITY_SYSCALLS: Record<string, string[]> = {
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_ADMIN: words(`bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie lsm_get_self_attr lsm_list_modules
    lsm_set_self_attr mount mount_setattr move_mount open_tree perf_event_open quotactl quotactl_fd setdomainname sethostname setns syslog
    umount umount2 unshare`),
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_MODULE: ['delete_module', 'init_module', 'finit_module'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_TIME: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
  CAP_SYS_NICE: ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node'],
  CAP_SYSLOG: ['syslog'],
  CAP_BPF: ['bpf'],
  CAP_PERFMON: ['perf_event_open'],
};

/** moby's profiles/seccomp/default.json. */
const DEFAULT_PROFILE: DockerProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: EPERM,
  archMap: ARCH_MAP,
  syscalls: [
    allow([...ALLOWED_SYSCALLS]),
    // before Linux 4.8 a tracer could step around the filter
    allow(['process_vm_readv', 'process_vm_writev', 'ptrace'], { includes: { minKernel: '4.8' } }),
    // every address family but AF_ALG (38) and AF_VSOCK (40)
    allow(['socket'], firstArg('SCMP_CMP_LT', 38)),
    allow(['socket'], firstArg('SCMP_CMP_EQ', 39)),
    allow(['socket'], firstArg('SCMP_CMP_GT', 40)),
    ...PERSONALITIES.map((persona) => allow(['personality'], firstArg('SCMP_CMP_EQ', persona))),
    ...ARCH_SYSCALLS.map(([arches, names]) => allow(names, { includes: { arches } })),
    ...Object.entries(CAPABILITY_SYSCALLS).map(([cap, names]) => allow(names, { includes: { caps: [cap] } })),
    // without CAP_SYS_ADMIN clone makes threads and processes but no namespaces; s390 passes the flags second
    allow(['clone'], { args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }], excludes: { caps: ['CAP_SYS_ADMIN'], arches: ['s390', 's390x'] } }),
    allow(['clone'], { args: [{ index: 1, value: CLONE_NAMESPACE_FLAGS, op: 'SCMP_CMP_MASKED_EQ' }], includes: { arches: ['s390', 's390x'] }, excludes: { caps: ['CAP_SYS_ADMIN'] } }),
    // clone3's flags are in memory a filter cannot read; ENOSYS sends libc back to clone
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, excludes: { caps: ['CAP_SYS_ADMIN'] } },
  ],
};

function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

function allow(names: string[], rule: Omit<DockerRule, 'action'> = {}): DockerRule {
  return { names, action: 'SCMP_ACT_ALLOW', ...rule };
}

function firstArg(op: string, value: number): Pick<DockerRule, 'args'> {
  return { args: [{ index: 0, value, op }] };
}

/**
 * moby's WithSeccomp: none when unconfined, none for a privileged container unless it names a profile file,
 * otherwise the named profile or Docker's.
 */
export function seccompSection(profile: string | undefined, container: { privileged: boolean; capabilities: readonly string[] }): SeccompSection | undefined {
  if (profile === UNCONFINED) return undefined;
  const fromFile = profile !== undefined && profile !== BUILTIN;
  if (container.privileged && !fromFile) return undefined;
  return resolveProfile(fromFile ? parseProfile(profile) : DEFAULT_PROFILE, container.capabilities);
}

/** moby's setupSeccomp: the host's architectures from the map, and the rules whose conditions hold. */
function resolveProfile(profile: DockerProfile, capabilities: readonly string[]): SeccompSection | undefined {
  const { archMap, syscalls, ...section } = profile;
  if (!section.defaultAction && !syscalls?.length) return undefined;
  if (section.architectures?.length && archMap?.length) throw decodeError("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
  const host = HOST_ARCHES[process.arch];
  const mapped = archMap?.find((entry) => entry.architecture === host?.seccomp);
  const has = (cap: string) => capabilities.includes(cap);
  return {
    ...section,
    ...(mapped ? { architectures: [mapped.architecture, ...(mapped.subArchitectures ?? [])] } : {}),
    syscalls: (syscalls ?? []).filter((rule) => applies(rule, host?.native ?? process.arch, has)).map(ociRule),
  };
}

function applies(rule: DockerRule, arch: string, has: (cap: string) => boolean): boolean {
  const excludes = rule.excludes ?? {};
  const includes = rule.includes ?? {};
  if (excludes.arches?.includes(arch) || excludes.caps?.some(has) || (excludes.minKernel && kernelAtLeast(excludes.minKernel))) return false;
  if (includes.arches?.length && !includes.arches.includes(arch)) return false;
  return (includes.caps ?? []).every(has) && (!includes.minKernel || kernelAtLeast(includes.minKernel));
}

function ociRule({ name, names, comment, includes, excludes, ...rule }: DockerRule): SyscallRule {
  return { names: name ? [name] : (names ?? []), ...rule };
}

/** Major and minor only, as moby compares them: "6.1.0-18-amd64" is 6.1. */
function kernelAtLeast(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  const [hostMajor, hostMinor] = release().split(/[.-]/).map(Number);
  return hostMajor > major || (hostMajor === major && hostMinor >= minor);
}

const ACTIONS = new Set(['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY']);
const OPERATORS = new Set(['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']);

/** moby's LoadProfile, its shape checked too, so a bad profile fails at create in one line rather than inside the runtime. */
export function parseProfile(text: string): DockerProfile {
  let profile: unknown;
  try {
    profile = JSON.parse(text, keepLargeIntegers);
  } catch (error) {
    throw decodeError((error as Error).message);
  }
  checkProfile(profile);
  return profile;
}

function checkProfile(profile: unknown): asserts profile is DockerProfile {
  expect(isObject(profile), 'the profile', 'a JSON object');
  const fields = profile as Record<string, unknown>;
  expect(optional(fields.defaultAction, isAction), 'defaultAction', 'a seccomp action (SCMP_ACT_…)');
  expect(optional(fields.defaultErrnoRet, isUint), 'defaultErrnoRet', 'a number');
  expect(optional(fields.architectures, isStrings) && optional(fields.flags, isStrings), 'architectures and flags', 'lists of strings');
  expect(optional(fields.archMap, isListOf(isArchEntry)), 'archMap', 'a list of {architecture, subArchitectures}');
  expect(optional(fields.syscalls, Array.isArray), 'syscalls', 'a list');
  ((fields.syscalls as unknown[] | null) ?? []).forEach((rule, index) => checkRule(rule, `syscalls[${index}]`));
}

function checkRule(rule: unknown, where: string): void {
  expect(isObject(rule), where, 'a JSON object');
  const fields = rule as Record<string, unknown>;
  if (fields.name && (fields.names as unknown[] | null)?.length) throw decodeError("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
  expect(fields.name ? typeof fields.name === 'string' : isStrings(fields.names), `${where}.names`, 'a list of syscall names');
  expect(isAction(fields.action), `${where}.action`, 'a seccomp action (SCMP_ACT_…)');
  expect(optional(fields.errnoRet, isUint), `${where}.errnoRet`, 'a number');
  expect(optional(fields.args, isListOf(isArg)), `${where}.args`, 'a list of {index, value, valueTwo, op: SCMP_CMP_…}');
  expect(optional(fields.includes, isFilter) && optional(fields.excludes, isFilter), `${where}.includes and excludes`, '{caps, arches, minKernel: "<major>.<minor>"}');
}

function expect(ok: boolean, where: string, what: string): void {
  if (!ok) throw decodeError(`${where} must be ${what}`);
}

function decodeError(detail: string): InvalidArgumentError {
  return new InvalidArgumentError(`Decoding seccomp profile failed: ${detail}`, { exitCode: 125 });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !isRawJSON(value);
const isStrings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isAction = (value: unknown) => ACTIONS.has(value as string);
const isUint = (value: unknown) => (Number.isInteger(value) && (value as number) >= 0) || isRawJSON(value);
const isListOf = (check: (item: unknown) => boolean) => (value: unknown) => Array.isArray(value) && value.every(check);
const optional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || value === null || check(value);
const isArchEntry = (value: unknown) => isObject(value) && typeof value.architecture === 'string' && optional(value.subArchitectures, isStrings);
const isArg = (value: unknown) => isObject(value) && isUint(value.index) && isUint(value.value) && optional(value.valueTwo, isUint) && OPERATORS.has(value.op as string);
const isFilter = (value: unknown) =>
  isObject(value) && optional(value.caps, isStrings) && optional(value.arches, isStrings) && optional(value.minKernel, (version) => /^\d+\.\d+$/.test(String(version)));

// JSON.rawJSON (ES2026) is not in TypeScript's lib yet
const { rawJSON, isRawJSON } = JSON as unknown as { rawJSON(text: string): object; isRawJSON(value: unknown): boolean };

/** A uint64 mask past 2^53 keeps its digits on its way into config.json. */
function keepLargeIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  const source = context?.source ?? '';
  return typeof value === 'number' && !Number.isSafeInteger(value) && /^\d+$/.test(source) ? rawJSON(source) : value;
}
