// What a COPY or ADD reads: context paths, another stage's or image's files (--from), heredoc bodies, ADD's URLs; each as entries of a context that close() releases.
import { createHash } from 'node:crypto';
import { chmodSync, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '../../digest/digest.ts';
import { InvalidArgumentError, WharfError } from '../../errors.ts';
import { resolveImage } from '../../images/resolve.ts';
import type { Store } from '../../store/store.ts';
import type { BuildContext } from '../context/build-context.ts';
import { IgnoreMatcher } from '../context/dockerignore.ts';
import { remoteKind } from '../context/remote-kind.ts';
import { resolveSources, type SourceEntry } from '../context/sources.ts';
import { expandKeepingQuotes, type Lookup } from '../dockerfile/expand.ts';
import { booleanFlag, flagValue } from '../dockerfile/flags.ts';
import type { Heredoc } from '../dockerfile/instructions.ts';
import type { Stage } from '../stages.ts';
import { findStage } from '../stages.ts';
import type { StageState } from '../stage-state.ts';
import type { CopyInstruction } from './copy-step.ts';

export interface ResolvedSources {
  context: BuildContext;
  entries: SourceEntry[];
  close(): Promise<void>;
}

export interface SourceRequest {
  all: Stage[];
  stage: Stage;
  results: Map<number, StageState>;
  context: BuildContext;
  instruction: CopyInstruction;
  /** Expands a source path with the stage's ENV and ARGs, as Docker expands COPY's words. */
  expand(raw: string): string;
  /** Expands `--from`, which may also name a global ARG (`COPY --from=${BASE}`), as BuildKit allows. */
  expandFrom(raw: string): string;
  /** What `$NAME` means in a heredoc's body: the stage's ENV, then its ARGs. */
  lookup: Lookup;
}

export async function copySources(store: Store, request: SourceRequest): Promise<ResolvedSources> {
  const { instruction } = request;
  const from = flagValue(instruction, 'from');
  if (from !== undefined) {
    if (instruction.kind === 'ADD') throw new InvalidArgumentError('ADD does not support the --from flag');
    return fromImage(store, request, imageOf(store, request, request.expandFrom(from)));
  }
  if (instruction.heredocs.length) return fromHeredocs(instruction.heredocs, request.lookup);
  const repository = instruction.sources.find((source) => remoteKind(source) === 'git');
  if (instruction.kind === 'ADD' && repository) return fromGit(repository, booleanFlag(instruction, 'keep-git-dir'));
  const urls = instruction.sources.filter((source) => /^https?:\/\//.test(source));
  if (instruction.kind === 'ADD' && urls.length) return fromUrls(urls, instruction);
  const patterns = instruction.sources.map(request.expand);
  return { context: request.context, entries: await resolveSources(request.context, patterns, instruction.kind), close: async () => {} };
}

/** What `--from=` (COPY's, or a RUN mount's) names: an earlier stage's image, else an image in the store. */
export function imageOf(store: Store, request: Pick<SourceRequest, 'all' | 'stage' | 'results'>, reference: string): Digest {
  const stage = findStage(request.all, reference, request.stage.index);
  if (stage) {
    const built = request.results.get(stage.index)?.imageId;
    if (!built) throw new WharfError(`stage ${reference} has no file system to copy from`);
    return built;
  }
  return resolveImage(store, reference).id;
}

/** The image's root mounted for reading; patterns resolve inside it, no .dockerignore applies. */
async function fromImage(store: Store, request: SourceRequest, imageId: Digest): Promise<ResolvedSources> {
  const workspace = await (await import('../workspace.ts')).openWorkspace(store, imageId);
  try {
    const context: BuildContext = { root: workspace.rootfs, dockerfile: request.context.dockerfile, ignore: new IgnoreMatcher([]), close: async () => {} };
    const entries = await resolveSources(context, request.instruction.sources.map((source) => posix.normalize(`/${request.expand(source)}`)), request.instruction.kind);
    return { context, entries, close: () => workspace.close() };
  } catch (error) {
    await workspace.close();
    throw error;
  }
}

/** `COPY <<EOF /dest`: each body (expanded unless its name was quoted) a file named as its heredoc, in a context of its own; 0664 as BuildKit makes them. */
function fromHeredocs(heredocs: Heredoc[], lookup: Lookup): Promise<ResolvedSources> {
  return temporaryContext(async (dir) => {
    for (const heredoc of heredocs) {
      const path = join(dir, heredoc.name);
      writeFileSync(path, heredoc.expand ? expandKeepingQuotes(heredoc.body, lookup) : heredoc.body);
      chmodSync(path, 0o664);
    }
    return heredocs.map((heredoc) => heredoc.name);
  });
}

/** `ADD https://…/repo.git#ref /dst`: the repository's files (its .git only with --keep-git-dir), cloned as a build context is. */
async function fromGit(repository: string, keepGitDir: boolean): Promise<ResolvedSources> {
  // loaded only here: cloning needs child_process, which costs every other build's start-up ~7 ms
  const { cloneGitContext } = await import('../context/remote-context.ts');
  const fetched = await cloneGitContext(repository);
  try {
    if (!keepGitDir) rmSync(join(fetched.path, '.git'), { recursive: true, force: true });
    const context: BuildContext = { root: fetched.path, dockerfile: { name: '', text: '' }, ignore: new IgnoreMatcher([]), close: fetched.remove };
    return { context, entries: await resolveSources(context, ['.'], 'ADD'), close: fetched.remove };
  } catch (error) {
    await fetched.remove();
    throw error;
  }
}

/** ADD's URLs, each downloaded once into a file named as the URL's last path segment (mode 0600, as Docker writes them). */
function fromUrls(urls: string[], instruction: CopyInstruction): Promise<ResolvedSources> {
  const checksum = flagValue(instruction, 'checksum');
  return temporaryContext(async (dir) => {
    const names: string[] = [];
    for (const url of urls) {
      const name = posix.basename(new URL(url).pathname) || 'index.html';
      await download(url, join(dir, name), checksum);
      names.push(name);
    }
    return names;
  });
}

async function download(url: string, path: string, checksum: string | undefined): Promise<void> {
  const response = await fetch(url).catch((error: Error) => {
    throw new WharfError(`failed to GET ${url}: ${error.message}`, { cause: error });
  });
  if (!response.ok || !response.body) throw new WharfError(`failed to GET ${url} with status ${response.status} ${response.statusText}`);
  const hash = createHash('sha256');
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(body, createWriteStream(path, { mode: 0o600 }));
  const digest = `sha256:${hash.digest('hex')}`;
  if (checksum !== undefined && checksum !== digest) throw new WharfError(`digest mismatch for ${url}: ${digest}, expected ${checksum}`);
  const modified = response.headers.get('last-modified');
  if (modified) {
    const { utimes } = await import('node:fs/promises');
    await utimes(path, new Date(modified), new Date(modified));
  }
}

async function temporaryContext(fill: (dir: string) => Promise<string[]>): Promise<ResolvedSources> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-build-sources-'));
  const close = async () => rmSync(dir, { recursive: true, force: true });
  try {
    const names = await fill(dir);
    const context: BuildContext = { root: dir, dockerfile: { name: '', text: '' }, ignore: new IgnoreMatcher([]), close };
    return { context, entries: await resolveSources(context, names, 'COPY'), close };
  } catch (error) {
    await close();
    throw error;
  }
}
