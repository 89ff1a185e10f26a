// Writes walked entries into a root with the kernel's file copy (no tar in between): owners, modes and times set as the layer applier sets them, every path resolved chroot-style.
import type { Stats } from 'node:fs';
import { chmod, copyFile, lchown, link, lstat, lutimes, mkdir, readlink, rm, symlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import { packEntries, type TreeEntry } from '../../layers/directory-tar.ts';
import { applyLayer } from '../../snapshots/layer-applier.ts';
import { resolveParentInRoot } from '../../snapshots/resolve-in-root.ts';

interface Owner {
  uid: number;
  gid: number;
}

interface PendingDirectory {
  path: string;
  mode: number;
  mtime: Date;
}

/**
 * `entries` named relative to `under` (a directory of the root); each lands at its name there, replacing what is in
 * the way, directories kept. Devices and FIFOs, which need mknod, go through the layer applier.
 */
export async function copyTree(entries: AsyncIterable<TreeEntry>, rootfs: string, under: string, owner: Owner): Promise<void> {
  const directories: PendingDirectory[] = [];
  const firstCopies = new Map<string, string>();
  const specials: TreeEntry[] = [];
  for await (const entry of entries) {
    const target = resolveParentInRoot(rootfs, [under, entry.name].filter(Boolean).join('/'));
    await mkdir(dirname(target), { recursive: true });
    const { stats } = entry;
    if (stats.isDirectory()) {
      await ensureDirectory(target);
      directories.push({ path: target, mode: stats.mode & 0o7777, mtime: stats.mtime });
    } else if (stats.isSymbolicLink()) {
      await rm(target, { recursive: true, force: true });
      await symlink(await readlink(entry.source), target);
      await lchown(target, owner.uid, owner.gid);
      await lutimes(target, stats.mtime, stats.mtime);
    } else if (stats.isFile()) {
      await copyRegularFile(entry.source, target, stats, owner, firstCopies);
    } else {
      specials.push(entry);
    }
  }
  if (specials.length) await applyLayer(packEntries(listed(specials)), rootfs, { whiteouts: 'none', under, owner });
  // deepest first, once everything inside is written, so their times stick
  for (const directory of directories.sort((a, b) => b.path.length - a.path.length)) {
    await lchown(directory.path, owner.uid, owner.gid);
    await chmod(directory.path, directory.mode);
    await utimes(directory.path, directory.mtime, directory.mtime);
  }
}

/** Files the source has hardlinked stay hardlinked, as a tar of them would keep them. */
async function copyRegularFile(source: string, target: string, stats: Stats, owner: Owner, firstCopies: Map<string, string>): Promise<void> {
  await rm(target, { recursive: true, force: true });
  const inode = `${stats.dev}:${stats.ino}`;
  const first = stats.nlink > 1 ? firstCopies.get(inode) : undefined;
  if (first !== undefined) return link(first, target);
  if (stats.nlink > 1) firstCopies.set(inode, target);
  await copyFile(source, target);
  // chown before chmod: a chown clears setuid and setgid bits
  await lchown(target, owner.uid, owner.gid);
  await chmod(target, stats.mode & 0o7777);
  await utimes(target, stats.mtime, stats.mtime);
}

async function ensureDirectory(path: string): Promise<void> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isDirectory()) return;
  await rm(path, { recursive: true, force: true });
  await mkdir(path);
}

async function* listed(entries: TreeEntry[]): AsyncGenerator<TreeEntry> {
  yield* entries;
}
