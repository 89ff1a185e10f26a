// A container's init layer, as Docker's: mount targets (/proc, /sys, /dev, /etc/hosts …) the image lacks, in a lower dir of their own, so runc never writes them into the container's changes.
import { lstatSync, mkdirSync, type Stats, symlinkSync, writeFileSync } from 'node:fs';
import { chownSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** moby's daemon/initlayer: a directory, an empty file, or a symlink to its target. */
const INIT_PATHS: Array<[path: string, kind: 'dir' | 'file' | { symlink: string }]> = [
  ['dev/pts', 'dir'],
  ['dev/shm', 'dir'],
  ['proc', 'dir'],
  ['sys', 'dir'],
  ['etc/resolv.conf', 'file'],
  ['etc/hosts', 'file'],
  ['etc/hostname', 'file'],
  ['dev/console', 'file'],
  ['etc/mtab', { symlink: '/proc/mounts' }],
];

/** Fills `dir` with what the image (its snapshots, top first) does not have; parents the image has keep the image's owner, mode and time. */
export function writeInitLayer(dir: string, imageLowers: string[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [path, kind] of INIT_PATHS) {
    if (findInLowers(imageLowers, path)) continue;
    makeParents(dir, imageLowers, dirname(path));
    const target = join(dir, path);
    if (kind === 'dir') mkdirSync(target, { recursive: true, mode: 0o755 });
    else if (kind === 'file') writeFileSync(target, '', { mode: 0o755 });
    else symlinkSync(kind.symlink, target);
  }
}

function makeParents(dir: string, imageLowers: string[], parent: string): void {
  if (parent === '.' || parent === '') return;
  makeParents(dir, imageLowers, dirname(parent));
  const target = join(dir, parent);
  if (exists(target)) return;
  mkdirSync(target, { mode: 0o755 });
  const image = findInLowers(imageLowers, parent);
  if (!image?.isDirectory()) return;
  chownSync(target, image.uid, image.gid);
  utimesSync(target, image.atime, image.mtime);
}

/** The path's stats in the topmost snapshot that has it; a whiteout (0:0 character device) there means the image deleted it. */
function findInLowers(lowers: string[], path: string): Stats | undefined {
  for (const lower of lowers) {
    const stats = statOrUndefined(join(lower, path));
    if (!stats) continue;
    return stats.isCharacterDevice() && stats.rdev === 0 ? undefined : stats;
  }
  return undefined;
}

function exists(path: string): boolean {
  return statOrUndefined(path) !== undefined;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
