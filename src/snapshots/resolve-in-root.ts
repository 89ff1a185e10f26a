// Resolves a path inside a root as if the root were `/` (chroot-style): symlinks on the way are followed but can never lead out.
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidContentError } from '../errors.ts';

const MAX_LINKS = 255;

/**
 * The host path of `relative`'s parent directories resolved under `root`, with the last component left as it is (an
 * entry replaces a symlink there, it never writes through it). Missing components are kept as named: the caller creates them.
 */
export function resolveParentInRoot(root: string, relative: string): string {
  const parts = relative.split('/').filter(Boolean);
  const last = parts.pop();
  const parent = resolveComponents(root, parts);
  return last === undefined ? join(root, ...parent) : join(root, ...parent, last);
}

/** The host path of `relative` under `root` with every component followed, the last one too (a directory to copy into, `cp -L`). */
export function resolveInRoot(root: string, relative: string): string {
  return join(root, ...resolveComponents(root, relative.split('/')));
}

/** Each component, followed through symlinks that point anywhere: `..` stops at the root, absolute targets start from it. */
function resolveComponents(root: string, components: string[]): string[] {
  const resolved: string[] = [];
  const pending = [...components];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const target = symlinkTarget(join(root, ...resolved, part));
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new InvalidContentError(`too many levels of symbolic links resolving ${JSON.stringify(components.join('/'))}`);
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/'));
  }
  return resolved;
}

function symlinkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}
