// COPY and ADD's copying: the sources written into a workspace over the stage's image (Docker's placement, owners and modes, ADD's archives unpacked) and committed as the step's layer; no container runs.
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import type { TreeEntry } from '../../layers/directory-tar.ts';
import { resolveUser } from '../../runtime/spec/user.ts';
import { resolveInRoot } from '../../snapshots/resolve-in-root.ts';
import type { Store } from '../../store/store.ts';
import type { BuildContext } from '../context/build-context.ts';
import { IgnoreMatcher } from '../context/dockerignore.ts';
import { type SourceEntry, walkSource } from '../context/sources.ts';
import { commitStep } from '../commit-step.ts';
import type { StageState } from '../stage-state.ts';
import { makeDirectories, withStepWorkspace } from '../workspace.ts';
import { extractArchive, isArchive } from './add-archive.ts';
import { copyTree } from './tree-copy.ts';
import type { CopySources } from './copy-step.ts';

export interface CopyRequest {
  kind: 'COPY' | 'ADD';
  sources: CopySources;
  /** Absolute; a trailing `/` when it names a directory. */
  destination: string;
  chown?: string;
  chmod?: number;
  /** `--exclude` patterns (.dockerignore's rules), matched against each path relative to the source it was found under. */
  excludes: string[];
  /** `--parents`: each source keeps its path from the context root under the destination. */
  parents: boolean;
  command: string[];
}

interface Placement {
  /** The directory (relative to the root) the entries land in. */
  under: string;
  /** Each entry's name there: the file's new name, or '' for a directory's contents. */
  name: string;
}

export function copyFiles(store: Store, state: StageState, copy: CopyRequest): Promise<StageState> {
  return withStepWorkspace(store, state, async (workspace) => {
    const owner = copy.chown === undefined ? { uid: 0, gid: 0 } : ownerOf(workspace.rootfs, copy.chown);
    for (const entry of copy.sources.entries) {
      const place = await placement(workspace.rootfs, entry, copy.parents ? withParents(copy.destination, entry) : copy.destination);
      if (copy.kind === 'ADD' && !entry.isDirectory && (await isArchive(entry.absolutePath))) {
        // an archive unpacks into the destination as a directory, its own owners kept unless --chown says otherwise
        await extractArchive(entry.absolutePath, workspace.rootfs, copy.destination.replace(/^\/+|\/+$/g, ''), copy.chown === undefined ? undefined : owner);
        continue;
      }
      await makeDirectories(workspace.rootfs, place.under, owner);
      const entries = treeEntries(copy.sources.context, entry, { ...place, chmod: copy.chmod, exclude: new IgnoreMatcher(copy.excludes) });
      await copyTree(entries, workspace.rootfs, place.under, owner);
    }
    return commitStep(store, state, { command: copy.command, layer: await workspace.layer(), sizeHint: workspace.writtenBytes() });
  });
}

/** `COPY --parents a/b/c.txt /dst/` lands at `/dst/a/b/c.txt`: the destination gains the source's own directories. */
function withParents(destination: string, entry: SourceEntry): string {
  const parentsOf = entry.isDirectory ? entry.relativePath : posix.dirname(entry.relativePath);
  return parentsOf === '.' || parentsOf === '' ? destination : `${posix.join(destination, parentsOf)}/`;
}

/** Docker's rules: a directory's contents go into the destination; a file goes into it when it names a directory (a trailing `/`, or one that exists), else becomes it. */
async function placement(rootfs: string, entry: SourceEntry, destination: string): Promise<Placement> {
  const relative = destination.replace(/^\/+/, '');
  if (entry.isDirectory) return { under: relative.replace(/\/+$/, ''), name: '' };
  if (destination.endsWith('/') || (await isDirectoryIn(rootfs, relative))) return { under: relative.replace(/\/+$/, ''), name: basename(entry.relativePath) };
  return { under: posix.dirname(relative) === '.' ? '' : posix.dirname(relative), name: posix.basename(relative) };
}

async function isDirectoryIn(rootfs: string, relative: string): Promise<boolean> {
  try {
    return (await lstat(resolveInRoot(rootfs, relative))).isDirectory();
  } catch {
    return false;
  }
}

/** The entries to write; never a directory source's own entry (a destination it makes is 0755 and the --chown owner's, as in moby). */
async function* treeEntries(context: BuildContext, entry: SourceEntry, options: Placement & { chmod?: number; exclude: IgnoreMatcher }): AsyncGenerator<TreeEntry> {
  const excludedDirs: string[] = [];
  for await (const item of walkSource(context, entry)) {
    if (entry.isDirectory && item.relativePath === '') continue;
    const relative = item.relativePath || basename(entry.relativePath);
    if (excludedDirs.some((dir) => relative.startsWith(`${dir}/`))) continue;
    if (options.exclude.excludes(relative)) {
      if (item.stats.isDirectory()) excludedDirs.push(relative);
      continue;
    }
    const name = entry.isDirectory ? item.relativePath : options.name;
    yield { source: item.absolutePath, name, stats: options.chmod === undefined ? item.stats : withMode(item.stats, options.chmod) };
  }
}

/** The same stats with another permission mode (the type bits kept), so the packer writes --chmod's mode. */
function withMode(stats: Stats, mode: number): Stats {
  return Object.create(stats, { mode: { value: (stats.mode & ~0o7777) | mode } }) as Stats;
}

/** `--chown=user[:group]`: names resolved in the image's /etc/passwd and /etc/group; a user alone gives its number as the group too, as Docker does for numbers. */
function ownerOf(rootfs: string, chown: string): { uid: number; gid: number } {
  const resolved = resolveUser(rootfs, chown);
  return { uid: resolved.uid, gid: chown.includes(':') || !/^\d+$/.test(chown) ? resolved.gid : resolved.uid };
}

