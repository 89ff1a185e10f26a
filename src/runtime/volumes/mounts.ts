// Turns -v, --mount, --tmpfs and the image's VOLUMEs into the runtime spec's mounts, creating volumes and recording which container uses them.
import { existsSync, mkdirSync } from 'node:fs';
import { crypto } from '../../digest/digest.ts';
import { ConflictError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { copyImageContent } from './copy-up.ts';
import { invalidMount, type MountRequest, parseMountFlag, parseTmpfsFlag, parseVolumeFlag } from './mount-spec.ts';
import { addVolumeUser, createVolume, removeVolume, removeVolumeUsersOf } from './volume-store.ts';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface MountOptions {
  /** `-v` values. */
  volumes: string[];
  /** `--mount` values. */
  mounts: string[];
  /** `--tmpfs` values. */
  tmpfs: string[];
  /** The image config's Volumes keys. */
  imageVolumes: string[];
  /** The container's root filesystem: a new volume is filled from the image's content at its path. */
  rootfs?: string;
}

/** Docker's tmpfs defaults; a user's exec/suid/dev replaces the matching no… option. */
const TMPFS_DEFAULTS = ['nosuid', 'nodev', 'noexec'];

/**
 * Validates every mount before creating anything, then creates volumes and bind sources and records the
 * container as a user of each volume. On failure the container's uses, and the anonymous volumes made here, are undone.
 */
export async function resolveMounts(store: Store, containerId: string, options: MountOptions): Promise<OciMount[]> {
  const requests = mountRequests(options);
  try {
    const mounts: OciMount[] = [];
    for (const request of requests) mounts.push(await resolveOne(store, containerId, request, options.rootfs));
    // parents before children, as Docker mounts them
    return mounts.sort((a, b) => depth(a.destination) - depth(b.destination));
  } catch (error) {
    await releaseMounts(store, containerId, { removeAnonymous: true });
    throw error;
  }
}

export function mountRequests(options: Pick<MountOptions, 'volumes' | 'mounts' | 'tmpfs' | 'imageVolumes'>): MountRequest[] {
  const requests = [...options.volumes.map(parseVolumeFlag), ...options.mounts.map(parseMountFlag), ...options.tmpfs.map(parseTmpfsFlag)];
  const targets = new Set<string>();
  for (const request of requests) {
    if (targets.has(request.target)) throw invalidMount(`Duplicate mount point: ${request.target}`);
    targets.add(request.target);
  }
  for (const target of options.imageVolumes) {
    const normalised = target.replace(/\/+$/, '') || '/';
    if (!targets.has(normalised)) requests.push({ type: 'volume', target: normalised, readOnly: false, noCopy: false });
    targets.add(normalised);
  }
  return requests;
}

async function resolveOne(store: Store, containerId: string, request: MountRequest, rootfs: string | undefined): Promise<OciMount> {
  if (request.type === 'tmpfs') return { destination: request.target, type: 'tmpfs', source: 'tmpfs', options: tmpfsOptions(request.options) };
  if (request.type === 'bind') {
    if (!existsSync(request.source)) {
      if (!request.createSource) throw invalidMount(`invalid mount config for type "bind": bind source path does not exist: ${request.source}`);
      mkdirSync(request.source, { recursive: true, mode: 0o755 });
    }
    return bindMount(request.source, request.target, { readOnly: request.readOnly, propagation: request.propagation });
  }
  const name = request.name ?? anonymousVolumeName(containerId, request.target);
  const { volume } = createVolume(store, { name, anonymous: request.name === undefined, labels: request.labels });
  addVolumeUser(store, volume.name, containerId, { destination: request.target, readOnly: request.readOnly });
  if (rootfs && !request.noCopy) await copyImageContent({ rootfs, target: request.target, volumeDir: volume.mountpoint });
  return bindMount(volume.mountpoint, request.target, { readOnly: request.readOnly });
}

/** Looks like Docker's random 64-hex name, but is the same each time the container starts, so its anonymous volume persists. */
function anonymousVolumeName(containerId: string, target: string): string {
  return crypto().createHash('sha256').update(`${containerId}\0${target}`).digest('hex');
}

function bindMount(source: string, destination: string, options: { readOnly: boolean; propagation?: string }): OciMount {
  return { destination, type: 'bind', source, options: ['rbind', options.propagation ?? 'rprivate', options.readOnly ? 'ro' : 'rw'] };
}

function tmpfsOptions(user: string[]): string[] {
  const overridden = new Set(user.flatMap((option) => [option, `no${option}`]));
  return [...TMPFS_DEFAULTS.filter((option) => !overridden.has(option)), ...user];
}

function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}

/** Forgets the container's volume uses (at `rm`); with removeAnonymous (`rm -v`, `--rm`) its anonymous volumes nobody else uses go too. */
export async function releaseMounts(store: Store, containerId: string, options: { removeAnonymous: boolean }): Promise<void> {
  const orphans = removeVolumeUsersOf(store, containerId);
  if (!options.removeAnonymous) return;
  for (const name of orphans) {
    try {
      removeVolume(store, name, { force: true });
    } catch (error) {
      // another container took it up meanwhile: it stays
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}
