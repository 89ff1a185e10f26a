// COPY and ADD: sources from the context (or another stage's image with --from) written into a workspace over the stage's image, committed as the step's layer; no container runs.
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { InvalidArgumentError } from '../../errors.ts';
import { packEntries, type TreeEntry } from '../../layers/directory-tar.ts';
import { resolveUser } from '../../runtime/spec/user.ts';
import { applyLayer } from '../../snapshots/layer-applier.ts';
import { resolveInRoot } from '../../snapshots/resolve-in-root.ts';
import type { Store } from '../../store/store.ts';
import type { BuildContext } from '../context/build-context.ts';
import { hashSources, type SourceEntry, sourceDescription, walkSource } from '../context/sources.ts';
import { expandWord } from '../dockerfile/expand.ts';
import type { Instruction } from '../dockerfile/instructions.ts';
import { commitStep } from '../commit-step.ts';
import { type StageState, lookupIn, shellOf } from '../stage-state.ts';
import { makeDirectories, withStepWorkspace } from '../workspace.ts';
import { isArchive, extractArchive } from './add-archive.ts';

export type CopyInstruction = Extract<Instruction, { kind: 'COPY' | 'ADD' }>;

/** Where a step's files come from: the build context, or the root of another stage's (or an image's) file system. */
export interface CopySources {
  context: BuildContext;
  entries: SourceEntry[];
}

export interface CopyPlan {
  /** container_config.Cmd: `[shell…, '#(nop) COPY file:<hash> in /dest ']`, so changed content misses the cache. */
  command: string[];
  execute(): Promise<StageState>;
}

interface Placement {
  /** The directory (relative to the root) the entries land in. */
  under: string;
  /** Each entry's name there: the file's new name, or '' for a directory's contents. */
  name: string;
}

export async function planCopy(store: Store, state: StageState, instruction: CopyInstruction, sources: CopySources, escape: '\\' | '`'): Promise<CopyPlan> {
  const expand = (raw: string) => expandWord(raw, lookupIn(state), escape);
  const flag = (name: string) => instruction.flags.find((candidate) => candidate.name === name)?.value;
  const rawDestination = expand(instruction.destination);
  // `.`, `dir/.` and `dir/` all name a directory, to be made if missing
  const namesDirectory = /(^|\/)\.?$/.test(rawDestination);
  const destination = posix.resolve(state.runConfig.WorkingDir || '/', rawDestination) + (namesDirectory ? '/' : '');
  if (sources.entries.length > 1 && !destination.endsWith('/')) {
    throw new InvalidArgumentError(`When using ${instruction.kind} with more than one source file, the destination must be a directory and end with a /`);
  }
  const chown = flag('chown') === undefined ? undefined : expand(flag('chown')!);
  const chmod = flag('chmod') === undefined ? undefined : parseChmod(expand(flag('chmod')!));
  const hash = await hashSources(sources.context, sources.entries);
  const described = sourceDescription(sources.entries, chmod === undefined ? hash : saltedHash(hash, chmod));
  // moby writes --chown straight before the hash, with no space between
  const chownComment = chown === undefined ? '' : `--chown=${chown}`;
  const command = [...shellOf(state), `#(nop) ${instruction.kind} ${chownComment}${described} in ${rawDestination} `];
  return {
    command,
    execute: () =>
      withStepWorkspace(store, state, async (workspace) => {
        const owner = chown === undefined ? { uid: 0, gid: 0 } : ownerOf(workspace.rootfs, chown);
        for (const entry of sources.entries) {
          const place = await placement(workspace.rootfs, entry, destination);
          if (instruction.kind === 'ADD' && !entry.isDirectory && (await isArchive(entry.absolutePath))) {
            // an archive unpacks into the destination as a directory, its own owners kept unless --chown says otherwise
            await extractArchive(entry.absolutePath, workspace.rootfs, destination.replace(/^\/+|\/+$/g, ''), chown === undefined ? undefined : owner);
            continue;
          }
          await makeDirectories(workspace.rootfs, place.under, owner);
          const entries = treeEntries(sources.context, entry, { ...place, chmod });
          await applyLayer(packEntries(entries), workspace.rootfs, { whiteouts: 'none', under: place.under, owner });
        }
        return commitStep(store, state, { command, layer: await workspace.layer() });
      }),
  };
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
async function* treeEntries(context: BuildContext, entry: SourceEntry, options: Placement & { chmod?: number }): AsyncGenerator<TreeEntry> {
  for await (const item of walkSource(context, entry)) {
    if (entry.isDirectory && item.relativePath === '') continue;
    const name = entry.isDirectory ? item.relativePath : options.name;
    yield { source: item.absolutePath, name, stats: options.chmod === undefined ? item.stats : withMode(item.stats, options.chmod) };
  }
}

/** The same stats with another permission mode (the type bits kept), so the packer writes --chmod's mode. */
function withMode(stats: Stats, mode: number): Stats {
  return Object.create(stats, { mode: { value: (stats.mode & ~0o7777) | mode } }) as Stats;
}

function parseChmod(text: string): number {
  if (!/^[0-7]{3,4}$/.test(text)) throw new InvalidArgumentError(`invalid chmod parameter: ${text}`);
  return parseInt(text, 8);
}

/** `--chown=user[:group]`: names resolved in the image's /etc/passwd and /etc/group; a user alone gives its number as the group too, as Docker does for numbers. */
function ownerOf(rootfs: string, chown: string): { uid: number; gid: number } {
  const resolved = resolveUser(rootfs, chown);
  return { uid: resolved.uid, gid: chown.includes(':') || !/^\d+$/.test(chown) ? resolved.gid : resolved.uid };
}

/** --chmod changes the layer without changing the sources or the comment (the classic builder has no such flag), so it goes into the cache key's hash. */
function saltedHash(hash: string, chmod: number): string {
  return createHash('sha256').update(`${hash}\0${chmod}`).digest('hex');
}
