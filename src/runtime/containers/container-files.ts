// Where a path of a container is on the host: in its merged root, or in the host directory of a bind mount or volume over it, symlinks resolved chroot-style.
import { readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { resolveInRoot, resolveParentInRoot } from '../../snapshots/resolve-in-root.ts';

export interface BindMount {
  destination: string;
  source: string;
  readOnly: boolean;
}

/** A container path as a root on the host and a path inside it; `mount` when the root is a bind mount's source. */
export interface HostLocation {
  root: string;
  relative: string;
  mount?: BindMount;
}

/**
 * The bind mounts (volumes are bind mounts of their directories) in the runtime spec the container's last start wrote.
 * runc makes them inside the container's own mount namespace, so the host sees them only at their sources. Kernel
 * filesystems and tmpfs hold nothing on the host; a container never started has no mounts yet.
 */
export function bindMountsOf(containerDir: string): BindMount[] {
  let spec: { mounts?: Array<{ destination: string; type?: string; source: string; options?: string[] }> };
  try {
    spec = JSON.parse(readFileSync(join(containerDir, 'config.json'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return (spec.mounts ?? [])
    .filter((mount) => mount.type === 'bind' && !/^\/(proc|sys|dev)(\/|$)/.test(mount.destination))
    .map((mount) => ({ destination: mount.destination, source: mount.source, readOnly: mount.options?.includes('ro') ?? false }));
}

/** The deepest mount whose destination holds the path (compared as written, `..` taken lexically), else the root filesystem. */
export function locate(rootfs: string, mounts: BindMount[], path: string): HostLocation {
  const absolute = posix.normalize(`/${path}`).replace(/(.)\/+$/, '$1');
  const holders = mounts.filter((mount) => absolute === mount.destination || absolute.startsWith(`${mount.destination.replace(/\/+$/, '')}/`));
  const mount = holders.sort((a, b) => b.destination.length - a.destination.length)[0];
  if (!mount) return { root: rootfs, relative: absolute.slice(1) };
  return { root: mount.source, relative: absolute.slice(mount.destination.length).replace(/^\/+/, ''), mount };
}

/** Every component resolved, the last one too when `followLast`; never leaving the location's root. */
export function hostPath(location: HostLocation, options: { followLast: boolean }): string {
  return options.followLast ? resolveInRoot(location.root, location.relative) : resolveParentInRoot(location.root, location.relative);
}

/** The container path of a host path inside the location's root. */
export function containerPath(location: HostLocation, host: string): string {
  return posix.join('/', location.mount?.destination ?? '', relative(location.root, host));
}
