// COPY and ADD's plan: the destination by Docker's rules and the step's cache key from the sources' content; copy-files.ts does the copying, loaded only on a cache miss.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import type { BuildContext } from '../context/build-context.ts';
import { hashSources, type SourceEntry, sourceDescription } from '../context/sources.ts';
import { expandWord } from '../dockerfile/expand.ts';
import { booleanFlag, flagValue, flagValues } from '../dockerfile/flags.ts';
import type { Instruction } from '../dockerfile/instructions.ts';
import { type StageState, lookupIn, shellOf } from '../stage-state.ts';

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

export async function planCopy(store: Store, state: StageState, instruction: CopyInstruction, sources: CopySources, expansion: { escape: '\\' | '`'; onUndefined?(name: string): void }): Promise<CopyPlan> {
  const expand = (raw: string) => expandWord(raw, lookupIn(state, expansion.onUndefined), expansion.escape);
  const flag = (name: string) => flagValue(instruction, name);
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
  const excludes = flagValues(instruction, 'exclude').map(expand);
  const parents = booleanFlag(instruction, 'parents');
  const salt = [chmod ?? '', ...excludes, parents ? 'parents' : ''].join('\0');
  const described = sourceDescription(sources.entries, salt.replace(/\0/g, '') === '' ? hash : saltedHash(hash, salt));
  // moby writes --chown straight before the hash, with no space between
  const chownComment = chown === undefined ? '' : `--chown=${chown}`;
  const command = [...shellOf(state), `#(nop) ${instruction.kind} ${chownComment}${described} in ${rawDestination} `];
  return {
    command,
    execute: async () => (await import('./copy-files.ts')).copyFiles(store, state, { kind: instruction.kind, sources, destination, chown, chmod, excludes, parents, command }),
  };
}

function parseChmod(text: string): number {
  if (!/^[0-7]{3,4}$/.test(text)) throw new InvalidArgumentError(`invalid chmod parameter: ${text}`);
  return parseInt(text, 8);
}

/** --chmod, --exclude and --parents change the layer without changing the sources or the comment (the classic builder has no such flags), so they go into the cache key's hash. */
function saltedHash(hash: string, salt: string): string {
  return createHash('sha256').update(`${hash}\0${salt}`).digest('hex');
}
