// Fills a new, empty volume with what the image has at its mount path, as Docker does, following symlinks only inside the rootfs.
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';

const MAX_SYMLINKS = 40;

/** The host path that `path` names inside `root`, with symlinks resolved as if `root` were `/` (never escaping it). */
export function resolveInRoot(root: string, path: string): string {
  let pending = posix.normalize(path).split('/').filter(Boolean);
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch {
      // missing: the rest is taken literally
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINKS) throw new Error(`too many levels of symbolic links: ${path}`);
    const target = readlinkSync(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...target.split('/').filter(Boolean), ...pending];
  }
  return join(root, ...resolved);
}

function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}

/** Copies rootfs:target into the volume when the volume is empty and the image has a directory there (ownership, modes, xattrs kept). */
export async function copyImageContent(options: { rootfs: string; target: string; volumeDir: string }): Promise<void> {
  if (!isEmptyDir(options.volumeDir)) return;
  const source = resolveInRoot(options.rootfs, options.target);
  let isDir = false;
  try {
    isDir = lstatSync(source).isDirectory();
  } catch {
    return;
  }
  if (!isDir || isEmptyDir(source)) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('cp', ['-a', '--', `${source}/.`, `${options.volumeDir}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`copying ${options.target} into the volume: ${Buffer.concat(stderr).toString().trim()}`))));
  });
}
