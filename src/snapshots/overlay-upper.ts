// Reads a container's overlayfs upper dir: what it changed against its lower dirs (moby's OverlayChanges rules), and the same as a layer tar with OCI whiteouts.
import { spawn } from 'node:child_process';
import { lstatSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { WharfError } from '../errors.ts';
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from '../layers/tar-rules.ts';
import { packEntries, type PackEntry, walkTree } from '../layers/directory-tar.ts';
import { containerPaths, readRootfsRecord } from './snapshotter.ts';

export type ChangeKind = 'C' | 'A' | 'D';

export interface Change {
  kind: ChangeKind;
  /** Absolute inside the container: `/etc/motd`. */
  path: string;
}

interface UpperView {
  upperDir: string;
  lowerDirs: string[];
  opaque: Set<string>;
}

/** `docker diff`: each path the container added, changed or deleted, parents listed as changed, in walk order. */
export async function containerChanges(containerDir: string): Promise<Change[]> {
  const view = await upperView(containerDir);
  const changes: Change[] = [];
  const changedDirs = new Set<string>();
  for await (const entry of walkTree(view.upperDir)) {
    const path = `/${entry.name}`;
    const kind = changeKind(view, entry.name, entry.stats);
    if (kind === undefined) continue;
    if (entry.stats.isDirectory()) changedDirs.add(path);
    const parent = dirname(path);
    // a file added or deleted under /a/b means /a/b changed, even when its times say otherwise
    if (kind !== 'C' && parent !== '/' && !changedDirs.has(parent)) {
      changes.push({ kind: 'C', path: parent });
      changedDirs.add(parent);
    }
    changes.push({ kind, path });
  }
  return changes;
}

/** The container's changes as a layer: the upper dir's entries, whiteout devices as `.wh.` files, opaque dirs with `.wh..wh..opq`. */
export async function upperLayerTar(containerDir: string): Promise<Readable> {
  const view = await upperView(containerDir);
  return packEntries(layerEntries(view));
}

async function* layerEntries(view: UpperView): AsyncGenerator<PackEntry> {
  for await (const entry of walkTree(view.upperDir)) {
    if (isWhiteout(entry.stats)) {
      yield { marker: join(dirname(entry.name), `${WHITEOUT_PREFIX}${basename(entry.name)}`), mtime: entry.stats.mtime };
      continue;
    }
    yield entry;
    if (view.opaque.has(entry.name)) yield { marker: `${entry.name}/${OPAQUE_WHITEOUT}`, mtime: entry.stats.mtime };
  }
}

function changeKind(view: UpperView, name: string, stats: Stats): ChangeKind | undefined {
  const lower = inLowers(view.lowerDirs, name);
  if (isWhiteout(stats)) return 'D';
  if (stats.isDirectory() && view.opaque.has(name) && lower) return 'D';
  if (!lower) return 'A';
  // a directory only copied up because something under it changed is not itself a change
  if (stats.isDirectory() && lower.isDirectory() && stats.size === lower.size && stats.mode === lower.mode && Math.trunc(stats.mtimeMs / 1000) === Math.trunc(lower.mtimeMs / 1000)) return undefined;
  return 'C';
}

async function upperView(containerDir: string): Promise<UpperView> {
  const record = readRootfsRecord(containerDir);
  if (record.driver !== 'overlay2') throw new WharfError(`the ${record.driver} storage driver keeps no record of a container's changes: diff and commit need overlay2`);
  const { upperDir } = containerPaths(containerDir);
  return { upperDir, lowerDirs: record.lowerDirs, opaque: await opaqueDirs(upperDir) };
}

function isWhiteout(stats: Stats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

function inLowers(lowers: string[], name: string): Stats | undefined {
  for (const lower of lowers) {
    try {
      return lstatSync(join(lower, name));
    } catch {
      // not in this one
    }
  }
  return undefined;
}

/** Directories of the upper dir marked opaque (`trusted.overlay.opaque=y`), relative to it; one getfattr for the whole tree. */
function opaqueDirs(upperDir: string): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('getfattr', ['-R', '-h', '--absolute-names', '-n', 'trusted.overlay.opaque', upperDir], { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new WharfError(`cannot read overlay markers: getfattr: ${error.message} (apt-get install attr)`, { cause: error })));
    child.on('close', () => {
      const dirs = new Set<string>();
      // "# file: <path>" then `trusted.overlay.opaque="y"`
      for (const match of output.matchAll(/^# file: (.*)\ntrusted\.overlay\.opaque="y"$/gm)) {
        if (match[1].startsWith(`${upperDir}/`)) dirs.add(match[1].slice(upperDir.length + 1));
      }
      resolve(dirs);
    });
  });
}
