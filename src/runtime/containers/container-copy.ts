// `cp` between a container (running or stopped, volumes included) and the host, both ways, by Docker's path rules; every container path resolved inside the container.
import { lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, posix, relative } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, NotFoundError, SystemError } from '../../errors.ts';
import { rfc3339Nano } from '../../go/time.ts';
import { packEntries, type TreeEntry, walkTree } from '../../layers/directory-tar.ts';
import { applyLayer } from '../../snapshots/layer-applier.ts';
import type { Store } from '../../store/store.ts';
import { bindMountsOf, containerPath, hostPath, type HostLocation, locate } from './container-files.ts';
import { containerDir, type ContainerRecord, recordContainerEvent, resolveContainer } from './container-store.ts';
import { clientError, type CopyDestination, copiesContents, namesDirectory, planCopy, sourceName } from './copy-rules.ts';
import { withContainerRootfs } from './rootfs.ts';

export interface CopyOptions {
  /** `-L`: a symlink named as the source is followed. */
  followLink: boolean;
  /** `-a`: owners come from the source; otherwise root's inside the container, the caller's on the host. */
  keepOwners: boolean;
}

/** What `docker cp` reports: the tar bytes that went across, and the destination as it names it. */
export interface CopyReport {
  bytes: number;
  destination: string;
}

interface Source {
  host: string;
  stats: Stats;
}

/** A container's files as seen from the host, for one copy. */
interface ContainerView {
  store: Store;
  record: ContainerRecord;
  reference: string;
  rootfs: string;
  locate(path: string): HostLocation;
}

/** Docker's PathStat, as the Engine API sends it in X-Docker-Container-Path-Stat: `mode` in Go's FileMode bits. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** A container path's stat, its last component not followed; a symlink's target named as the container sees it. */
export async function statInContainer(store: Store, reference: string, path: string): Promise<PathStat> {
  return withContainerView(store, reference, async (view) => {
    const { source, location } = containerSource(view, path, false);
    const linkTarget = source.stats.isSymbolicLink() ? containerPath(location, hostPath(location, { followLast: true })) : '';
    const name = posix.basename(posix.normalize(path)) || '/';
    return { name, size: source.stats.size, mode: goFileMode(source.stats), mtime: rfc3339Nano(source.stats.mtime), linkTarget };
  });
}

/** Go's os.FileMode: the permission bits, with the type and the special bits high up. */
function goFileMode(stats: Stats): number {
  const types: Array<[boolean, number]> = [
    [stats.isDirectory(), 2 ** 31], [stats.isSymbolicLink(), 2 ** 27], [stats.isBlockDevice() || stats.isCharacterDevice(), 2 ** 26],
    [stats.isFIFO(), 2 ** 25], [stats.isSocket(), 2 ** 24], [stats.isCharacterDevice(), 2 ** 21],
    [(stats.mode & 0o4000) !== 0, 2 ** 23], [(stats.mode & 0o2000) !== 0, 2 ** 22], [(stats.mode & 0o1000) !== 0, 2 ** 20],
  ];
  return types.reduce((mode, [set, bit]) => (set ? mode + bit : mode), stats.mode & 0o777);
}

/** `CONTAINER:SRC -`: SRC as a tar on `output` (a followed symlink's entries carry its target's name, as Docker's do). */
export async function archiveFromContainer(store: Store, reference: string, path: string, output: Writable, options: Pick<CopyOptions, 'followLink'>): Promise<void> {
  await withContainerView(store, reference, async (view) => {
    const { source, location } = containerSource(view, path, options.followLink);
    const followed = options.followLink && !copiesContents(path) && source.host !== location.root;
    await pipeline(packEntries(sourceEntries(source, followed ? basename(source.host) : sourceName(path))), output, { end: false });
    recordContainerEvent(view.store, view.record, 'archive-path');
  });
}

/** `CONTAINER:SRC DEST`: DEST is a host path, absolute. */
export async function copyFromContainer(store: Store, reference: string, path: string, destination: string, options: CopyOptions): Promise<CopyReport> {
  checkOutputPath(destination);
  return withContainerView(store, reference, async (view) => {
    const { source } = containerSource(view, path, options.followLink);
    const target = planCopy({ name: sourceName(path), isDirectory: source.stats.isDirectory() }, hostDestination(destination));
    const owner = options.keepOwners ? undefined : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    const count = { bytes: 0 };
    await applyLayer(counted(packEntries(sourceEntries(source, target.name)), count), target.dir, { whiteouts: 'none', owner });
    recordContainerEvent(view.store, view.record, 'archive-path');
    return { bytes: count.bytes, destination };
  });
}

/** `SRC CONTAINER:DEST`: SRC is a host path, absolute. */
export async function copyToContainer(store: Store, reference: string, source: string, destination: string, options: CopyOptions): Promise<CopyReport> {
  const local = hostSource(source, options.followLink);
  return withContainerView(store, reference, async (view) => {
    const found = containerDestination(view, destination);
    const target = planCopy({ name: sourceName(source), isDirectory: local.stats.isDirectory() }, found);
    const count = { bytes: 0 };
    await extractInto(view, target.dir, counted(packEntries(sourceEntries(local, target.name)), count), options);
    return { bytes: count.bytes, destination: found.path };
  });
}

/** `- CONTAINER:DEST`: a tar (from stdin) extracted in the directory DEST. */
export async function extractToContainer(store: Store, reference: string, tar: Readable, destination: string, options: Pick<CopyOptions, 'keepOwners'>): Promise<void> {
  await withContainerView(store, reference, async (view) => {
    const found = containerDestination(view, destination);
    if (!found.isDirectory) throw clientError(`destination "${reference}:${destination}" must be a directory`);
    await extractInto(view, found.path, tar, options);
  });
}

/** The daemon's side of `docker cp` in (PUT …/archive): the client has checked and renamed; `dir` must exist. */
export async function extractInContainerDir(store: Store, reference: string, tar: Readable, dir: string, options: Pick<CopyOptions, 'keepOwners'>): Promise<void> {
  await withContainerView(store, reference, (view) => extractInto(view, dir, tar, options));
}

async function withContainerView<T>(store: Store, reference: string, work: (view: ContainerView) => Promise<T>): Promise<T> {
  const record = resolveContainer(store, reference);
  const mounts = bindMountsOf(containerDir(store, record.id));
  return withContainerRootfs(store, record, (rootfs) => work({ store, record, reference, rootfs, locate: (path) => locate(rootfs, mounts, path) }));
}

function containerSource(view: ContainerView, path: string, followLink: boolean): { source: Source; location: HostLocation } {
  const location = view.locate(path);
  const host = hostPath(location, { followLast: followLink || namesDirectory(path) });
  try {
    return { source: { host, stats: lstatSync(host) }, location };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NotFoundError(`Could not find the file ${path} in container ${view.reference}`);
    if (code === 'ENOTDIR') throw new SystemError(`lstat ${containerPath(location, host)}: not a directory`);
    throw error;
  }
}

/** Docker stats the destination with its last symlink followed: a link to a directory takes the source in. */
function containerDestination(view: ContainerView, path: string): CopyDestination {
  const location = view.locate(path);
  const host = hostPath(location, { followLast: true });
  const stats = lstatIfExists(host);
  if (!stats) return { path, exists: false, isDirectory: false };
  const followed = !namesDirectory(path) && lstatIfExists(hostPath(location, { followLast: false }))?.isSymbolicLink();
  return { path: followed ? containerPath(location, host) : path, exists: true, isDirectory: stats.isDirectory() };
}

/** The daemon's side of a copy in: the directory must exist, and be writable by the container's configuration. */
async function extractInto(view: ContainerView, dir: string, tar: Readable, options: Pick<CopyOptions, 'keepOwners'>): Promise<void> {
  const location = view.locate(dir);
  const host = hostPath(location, { followLast: true });
  const stats = lstatIfExists(host);
  if (!stats) throw new NotFoundError(`Could not find the file ${dir} in container ${view.reference}`);
  if (!stats.isDirectory()) throw new InvalidArgumentError('extraction point is not a directory');
  if (location.mount?.readOnly) throw new InvalidArgumentError('mounted volume is marked read-only');
  if (!location.mount && view.record.settings.hostConfig.ReadonlyRootfs) throw new InvalidArgumentError('container rootfs is marked read-only');
  const owner = options.keepOwners ? undefined : { uid: 0, gid: 0 };
  await applyLayer(tar, location.root, { whiteouts: 'none', under: relative(location.root, host), owner });
  recordContainerEvent(view.store, view.record, 'extract-to-dir');
}

/** docker/cli's checks of a local source: parent symlinks resolved, the last one only with `-L` or a trailing `/`. */
function hostSource(path: string, followLink: boolean): Source {
  const stats = lstatSync(path);
  if (!followLink && !namesDirectory(path)) return { host: join(realpathSync(dirname(path)), basename(path)), stats };
  const host = realpathSync(path);
  return { host, stats: statSync(host) };
}

/** docker/cli's ValidateOutputPath: the directory to write in must exist. */
function checkOutputPath(path: string): void {
  const parent = dirname(posix.normalize(path).replace(/(.)\/+$/, '$1'));
  if (!statSync(parent, { throwIfNoEntry: false })) throw clientError(`invalid output path: directory "${parent}" does not exist`);
}

/** A destination on the host, through its symlinks; a missing one needs a directory to be made in. */
function hostDestination(path: string): CopyDestination {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats) return { path: realpathSync(path), exists: true, isDirectory: stats.isDirectory() };
  if (!statSync(dirname(path)).isDirectory()) throw clientError('not a directory');
  return { path, exists: false, isDirectory: false };
}

async function* sourceEntries(source: Source, name: string): AsyncGenerator<TreeEntry> {
  yield { source: source.host, name, stats: source.stats };
  if (source.stats.isDirectory()) yield* walkTree(source.host, name);
}

function counted(tar: Readable, count: { bytes: number }): Readable {
  return Readable.from((async function* () {
    for await (const chunk of tar as AsyncIterable<Buffer>) {
      count.bytes += chunk.length;
      yield chunk;
    }
  })());
}

/** Missing, or a file where the path needs a directory: either way there is nothing there. */
function lstatIfExists(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
