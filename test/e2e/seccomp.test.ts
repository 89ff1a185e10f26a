// Seccomp and --security-opt through the CLI on runc: Docker's profile by default, none when privileged or unconfined, a profile file, no-new-privileges, errors.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { ok } from '../helpers/cli-fixtures.ts';
import { busyboxFixture, writeClassicArchive } from '../helpers/image-builder.ts';
import { makeWharf, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

const canRun = process.getuid?.() === 0 ? undefined : 'needs root (runc, namespaces)';
const canRunPrivileged = canRun ?? privilegedSkip();
let fixtures: string;
let archive: string;

before(async () => {
  fixtures = tempDir(undefined, 'wharf-seccomp-');
  archive = join(fixtures, 'busybox.tar');
  await writeClassicArchive(archive, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
});

after(() => rmSync(fixtures, { recursive: true, force: true }));

async function wharfWithBusybox(t: TestContext): Promise<Wharf> {
  const wharf = makeWharf(t);
  ok(await wharf.run(['load', '-i', archive]));
  return wharf;
}

/** --privileged asks runc for every capability the kernel knows, which a sandbox with a smaller bounding set cannot grant. */
function privilegedSkip(): string | undefined {
  const last = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const bounding = BigInt(`0x${/^CapBnd:\s*(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`);
  return bounding === (1n << BigInt(last + 1)) - 1n ? undefined : "this host's capability bounding set lacks some, so --privileged cannot run";
}

/** A profile in Docker's format that allows everything but mkdir, unless the container has CAP_SYS_ADMIN; rmdir is denied on s390x only. */
const NO_MKDIR_PROFILE = {
  defaultAction: 'SCMP_ACT_ALLOW',
  archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
  syscalls: [
    { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', comment: 'the test', excludes: { caps: ['CAP_SYS_ADMIN'] } },
    { name: 'rmdir', action: 'SCMP_ACT_ERRNO', includes: { arches: ['s390x'] } },
  ],
};

function noMkdirProfile(t: TestContext): string {
  const file = join(tempDir(t), 'no-mkdir.json');
  writeFileSync(file, JSON.stringify(NO_MKDIR_PROFILE, null, 2));
  return file;
}

const seccompMode = async (wharf: Wharf, flags: string[]) => ok(await wharf.run(['run', '--rm', ...flags, 'busybox', 'grep', '^Seccomp:', '/proc/self/status'])).stdout;

describe('seccomp', { skip: canRun }, () => {
  it("filters a container's system calls with Docker's profile, unless it is unconfined", async (t) => {
    const wharf = await wharfWithBusybox(t);
    assert.equal(await seccompMode(wharf, []), 'Seccomp:\t2\n');
    assert.equal(await seccompMode(wharf, ['--security-opt', 'seccomp=builtin']), 'Seccomp:\t2\n');
    assert.equal(await seccompMode(wharf, ['--security-opt', 'seccomp=unconfined']), 'Seccomp:\t0\n');
  });

  it("writes no filter into a privileged container's spec unless it names a profile file", async (t) => {
    const wharf = await wharfWithBusybox(t);
    // read from the spec runc is given: start writes it even on a host where runc then cannot grant every capability
    const seccompOf = async (flags: string[]) => {
      const id = ok(await wharf.run(['create', '--privileged', ...flags, 'busybox', 'true'])).stdout.trim();
      await wharf.run(['start', id]);
      return JSON.parse(readFileSync(join(wharf.root, 'containers', id, 'config.json'), 'utf8')).linux.seccomp;
    };
    assert.equal(await seccompOf([]), undefined);
    assert.equal(await seccompOf(['--security-opt', 'seccomp=builtin']), undefined);
    const fromFile = await seccompOf(['--security-opt', `seccomp=${noMkdirProfile(t)}`]);
    assert.deepEqual([fromFile.defaultAction, fromFile.syscalls], ['SCMP_ACT_ALLOW', []], 'mkdir is excluded with CAP_SYS_ADMIN, rmdir on all but s390x');
  });

  it('leaves a privileged container unfiltered unless it names a profile file, whose CAP_SYS_ADMIN rules then hold', { skip: canRunPrivileged }, async (t) => {
    const wharf = await wharfWithBusybox(t);
    const profile = noMkdirProfile(t);
    assert.equal(await seccompMode(wharf, ['--privileged']), 'Seccomp:\t0\n');
    assert.equal(await seccompMode(wharf, ['--privileged', '--security-opt', `seccomp=${profile}`]), 'Seccomp:\t2\n');
    ok(await wharf.run(['run', '--rm', '--privileged', '--security-opt', `seccomp=${profile}`, 'busybox', 'mkdir', '/x']));
  });

  it('denies what the profile denies though no capability is missing: a user namespace', async (t) => {
    const wharf = await wharfWithBusybox(t);
    // unshare(CLONE_NEWUSER) needs no capability, but Docker's profile allows unshare only with CAP_SYS_ADMIN
    const denied = await wharf.run(['run', '--rm', 'busybox', 'unshare', '-U', 'true']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /unshare: unshare\(0x10000000\): Operation not permitted/);
    ok(await wharf.run(['run', '--rm', '--security-opt', 'seccomp=unconfined', 'busybox', 'unshare', '-U', 'true']));
  });

  it("loads a profile file in Docker's format, its rules kept or dropped by capabilities and architecture", async (t) => {
    const wharf = await wharfWithBusybox(t);
    const profile = noMkdirProfile(t);
    const denied = await wharf.run(['run', '--rm', '--security-opt', `seccomp=${profile}`, 'busybox', 'mkdir', '/x']);
    assert.deepEqual([denied.code, denied.stderr], [1, "mkdir: can't create directory '/x': Operation not permitted\n"]);
    ok(await wharf.run(['run', '--rm', 'busybox', 'mkdir', '/x']), "Docker's profile allows mkdir");
    ok(await wharf.run(['run', '--rm', '--security-opt', `seccomp=${profile}`, 'busybox', 'rmdir', '/var']), "the s390x rule does not hold here");
  });

  it('sets no-new-privileges', async (t) => {
    const wharf = await wharfWithBusybox(t);
    const noNewPrivs = async (flags: string[]) => ok(await wharf.run(['run', '--rm', ...flags, 'busybox', 'grep', '^NoNewPrivs:', '/proc/self/status'])).stdout;
    assert.equal(await noNewPrivs([]), 'NoNewPrivs:\t0\n');
    assert.equal(await noNewPrivs(['--security-opt', 'no-new-privileges']), 'NoNewPrivs:\t1\n');
    assert.equal(await noNewPrivs(['--security-opt', 'no-new-privileges=true']), 'NoNewPrivs:\t1\n');
    assert.equal(await noNewPrivs(['--security-opt', 'no-new-privileges=false']), 'NoNewPrivs:\t0\n');
  });

  it('keeps the options in HostConfig.SecurityOpt, a profile file as its compacted JSON', async (t) => {
    const wharf = await wharfWithBusybox(t);
    const securityOpt = async (flags: string[]) => {
      const id = ok(await wharf.run(['create', ...flags, 'busybox', 'true'])).stdout.trim();
      return JSON.parse(ok(await wharf.run(['inspect', '-f', '{{json .HostConfig.SecurityOpt}}', id])).stdout);
    };
    assert.equal(await securityOpt([]), null);
    assert.deepEqual(await securityOpt(['--security-opt', 'seccomp=unconfined', '--security-opt', 'no-new-privileges']), ['seccomp=unconfined', 'no-new-privileges']);
    const profile = noMkdirProfile(t);
    assert.deepEqual(await securityOpt(['--security-opt', `seccomp=${profile}`]), [`seccomp=${JSON.stringify(NO_MKDIR_PROFILE)}`]);
  });

  it("refuses a missing or malformed profile and unknown options in one line, exit 125, creating nothing", async (t) => {
    const wharf = await wharfWithBusybox(t);
    const dir = tempDir(t);
    const fails = async (opt: string) => {
      const result = await wharf.run(['run', '--rm', '--security-opt', opt, 'busybox', 'true']);
      assert.equal(result.code, 125, result.stderr);
      return result.stderr;
    };
    const missing = join(dir, 'missing.json');
    assert.equal(await fails(`seccomp=${missing}`), `opening seccomp profile (${missing}) failed: open ${missing}: no such file or directory\n`);
    writeFileSync(join(dir, 'broken.json'), '{"defaultAction": ');
    assert.match(await fails(`seccomp=${join(dir, 'broken.json')}`), /^compacting json for seccomp profile \(.*broken\.json\) failed: .+\n$/);
    writeFileSync(join(dir, 'bad-action.json'), '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_PERHAPS"}]}');
    assert.match(await fails(`seccomp=${join(dir, 'bad-action.json')}`), /^wharf: Error response from daemon: Decoding seccomp profile failed: syscalls\[0\]\.action must be a seccomp action \(SCMP_ACT_…\)\n/);
    assert.equal(await fails('foo'), 'invalid --security-opt: "foo"\n');
    assert.equal(await fails('seccomp='), 'invalid --security-opt: "seccomp="\n');
    assert.match(await fails('foo=bar'), /^wharf: Error response from daemon: invalid --security-opt 2: "foo=bar"\n/);
    assert.match(await fails('no-new-privileges=maybe'), /^wharf: Error response from daemon: invalid --security-opt 2: "no-new-privileges=maybe"\n/);
    assert.equal(ok(await wharf.run(['ps', '-aq'])).stdout, '');
  });
});
