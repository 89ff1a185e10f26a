// The entries of a minimal busybox root filesystem, made from the host's static /bin/busybox.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { EntrySpec } from './image-builder.ts';

const BUSYBOX = '/bin/busybox';
const DIRS = ['bin', 'dev', 'etc', 'proc', 'root', 'sys', 'usr', 'usr/bin', 'var'];
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n';
const GROUP = 'root:x:0:\nnobody:x:65534:\n';

let cached: EntrySpec[] | undefined;

/** Cached per process: reading and listing busybox is the slow part of most fixtures. */
export function busyboxEntries(): EntrySpec[] {
  cached ??= makeEntries(hostBusybox());
  return cached;
}

function makeEntries(binary: Buffer): EntrySpec[] {
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  return [
    ...DIRS.map((path): EntrySpec => ({ path, type: 'dir' })),
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'bin/busybox', type: 'file', content: binary, mode: 0o755 },
    ...applets.map((applet): EntrySpec => ({ path: `bin/${applet}`, type: 'symlink', linkname: 'busybox' })),
    { path: 'etc/passwd', type: 'file', content: PASSWD },
    { path: 'etc/group', type: 'file', content: GROUP },
  ];
}

/** Debian's busybox-static is statically linked, so the image runs with nothing else in it. */
function hostBusybox(): Buffer {
  if (!existsSync(BUSYBOX)) {
    execFileSync('apt-get', ['install', '-y', '-qq', 'busybox-static'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return readFileSync(BUSYBOX);
}
