// What COPY and ADD read from the build context: sources resolved (wildcards, .dockerignore, no way out), walked in order, and hashed for the cache.
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { InvalidArgumentError, NotFoundError, type WharfError, withPath } from '../../errors.ts';
import { resolveInRoot } from '../../snapshots/resolve-in-root.ts';
import type { BuildContext } from './build-context.ts';
import type { IgnoreMatcher } from './dockerignore.ts';
import { goClean, goMatch, hasWildcards } from '../../go/path.ts';

export interface SourceEntry {
  /** The source as the instruction wrote it. */
  pattern: string;
  /** Where the source is in the context, slash-separated ('' for the root): a file copied into a directory keeps its last name. */
  relativePath: string;
  /** The host path, every symlink on the way and at the end followed without leaving the context. */
  absolutePath: string;
  isDirectory: boolean;
}

export interface WalkedSource {
  /** Relative to the entry, slash-separated: '' for the entry itself. */
  relativePath: string;
  absolutePath: string;
  /** lstat: symlinks inside a directory are copied as symlinks. */
  stats: Stats;
}

/** The instruction errors name, as Docker's `COPY failed: …`. */
export type SourceInstruction = 'COPY' | 'ADD' | 'RUN';

/**
 * The entries the sources name, in order: each relative to the context root (a leading `/` is the root), a wildcard
 * matched per component by Go's filepath.Match in sorted order. What .dockerignore hides does not exist here. A
 * wildcard that matches nothing adds nothing; only when no source at all is left is it an error, as in Docker.
 */
export async function resolveSources(context: BuildContext, patterns: string[], instruction: SourceInstruction = 'COPY'): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = [];
  for (const pattern of patterns) {
    const path = withoutLeadingRoot(pattern);
    if (!hasWildcards(path)) entries.push(await resolveOne(context, pattern, path, instruction));
    else for (const match of await expandWildcards(context, path)) entries.push(await resolveOne(context, pattern, match, instruction));
  }
  if (entries.length === 0) throw sourceError(NotFoundError, instruction, 'no source files were specified');
  return entries;
}

/**
 * The entry, then (for a directory) everything under it in sorted order, depth first, symlinks not followed. Hidden
 * paths are skipped and hidden directories pruned; a hidden directory that holds re-included paths is yielded just
 * before the first of them, so their parents keep their own metadata (as BuildKit does).
 */
export async function* walkSource(context: BuildContext, entry: SourceEntry): AsyncIterable<WalkedSource> {
  const stats = await lstat(entry.absolutePath);
  yield { relativePath: '', absolutePath: entry.absolutePath, stats };
  if (stats.isDirectory()) yield* walkDirectory(context.ignore, entry.absolutePath, contextPath(context, entry.absolutePath), '', []);
}

/**
 * The COPY/ADD cache key: a hex sha256 over every walked path, its type, permission bits, size, symlink target and
 * content (streamed). Owners and times are left out, since COPY resets them; a file's own name is in, since it lands
 * under that name.
 */
export async function hashSources(context: BuildContext, entries: SourceEntry[]): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of entries) {
    hash.update(`${JSON.stringify(['entry', entry.isDirectory ? 'dir' : basename(entry.relativePath)])}\n`);
    for await (const item of walkSource(context, entry)) hash.update(`${JSON.stringify(await describe(item))}\n`);
  }
  return hash.digest('hex');
}

/** Docker's classic builder names a COPY source in history and cache as `file:<hex>`, `dir:<hex>` or `multi:<hex>`. */
export function sourceDescription(entries: SourceEntry[], hash: string): string {
  if (entries.length !== 1) return `multi:${hash}`;
  return `${entries[0].isDirectory ? 'dir' : 'file'}:${hash}`;
}

/** As Docker: one leading `/` and then one leading `./` go; the rest is kept as written for error messages. */
function withoutLeadingRoot(pattern: string): string {
  const path = pattern.length > 1 && pattern.startsWith('/') ? pattern.slice(1) : pattern;
  return path.startsWith('./') ? path.slice(2) : path;
}

async function resolveOne(context: BuildContext, pattern: string, path: string, instruction: SourceInstruction): Promise<SourceEntry> {
  const cleaned = goClean(path);
  if (cleaned === '..' || cleaned.startsWith('../')) {
    throw sourceError(InvalidArgumentError, instruction, `forbidden path outside the build context: ${path} ()`);
  }
  const relativePath = goClean(`/${path}`).slice(1);
  const absolutePath = resolveInRoot(context.root, relativePath);
  const stats = await lstatIfPresent(absolutePath);
  const visible = stats && isVisible(context.ignore, relativePath, stats) && isVisible(context.ignore, contextPath(context, absolutePath), stats);
  if (!visible) {
    throw sourceError(NotFoundError, instruction, `file not found in build context or excluded by .dockerignore: stat ${path}: file does not exist`);
  }
  return { pattern, relativePath, absolutePath, isDirectory: stats.isDirectory() };
}

/** Context paths matching the wildcard, descending only into real directories, as Docker's walk of the context does. */
async function expandWildcards(context: BuildContext, path: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, components: string[]): Promise<void> => {
    const [component, ...rest] = components;
    for (const name of await matchingNames(join(context.root, dir), component)) {
      const relativePath = dir === '' ? name : `${dir}/${name}`;
      const stats = await lstat(join(context.root, relativePath));
      if (!isVisible(context.ignore, relativePath, stats)) continue;
      if (rest.length === 0) found.push(relativePath);
      else if (stats.isDirectory()) await visit(relativePath, rest);
    }
  };
  await visit('', path.split('/'));
  return found;
}

async function matchingNames(dir: string, component: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: unknown) => (isMissing(error) ? [] : Promise.reject(withPath(error, dir))));
  return names.filter((name) => matchesQuietly(component, name)).sort(compareNames);
}

/** Docker ignores a malformed pattern's error: it simply matches nothing. */
function matchesQuietly(pattern: string, name: string): boolean {
  try {
    return goMatch(pattern, name);
  } catch {
    return false;
  }
}

/** A hidden directory still shows when a `!` pattern may re-include something in it (Docker sends it for their sake). */
function isVisible(ignore: IgnoreMatcher, relativePath: string, stats: Stats): boolean {
  return stats.isDirectory() ? ignore.mayHaveIncludedUnder(relativePath) : !ignore.excludes(relativePath);
}

async function* walkDirectory(ignore: IgnoreMatcher, dir: string, inContext: string, inEntry: string, hiddenParents: WalkedSource[]): AsyncIterable<WalkedSource> {
  for (const name of (await readdir(dir)).sort(compareNames)) {
    const absolutePath = join(dir, name);
    const childInContext = inContext === '' ? name : `${inContext}/${name}`;
    const item = { relativePath: inEntry === '' ? name : `${inEntry}/${name}`, absolutePath, stats: await lstat(absolutePath) };
    if (!ignore.excludes(childInContext)) {
      yield* hiddenParents.splice(0);
      yield item;
      if (item.stats.isDirectory()) yield* walkDirectory(ignore, absolutePath, childInContext, item.relativePath, hiddenParents);
    } else if (item.stats.isDirectory() && ignore.mayHaveIncludedUnder(childInContext)) {
      hiddenParents.push(item);
      yield* walkDirectory(ignore, absolutePath, childInContext, item.relativePath, hiddenParents);
      if (hiddenParents.at(-1) === item) hiddenParents.pop();
    }
  }
}

async function describe(item: WalkedSource): Promise<Array<string | number>> {
  const { stats } = item;
  const common = [item.relativePath, fileType(stats), stats.mode & 0o7777];
  if (stats.isSymbolicLink()) return [...common, await readlink(item.absolutePath)];
  if (!stats.isFile()) return common;
  return [...common, stats.size, await contentDigest(item.absolutePath)];
}

function fileType(stats: Stats): string {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  return stats.isCharacterDevice() ? 'char' : 'block';
}

/** A read buffer kept between files: a stream's fresh buffer per chunk costs more in page faults than the hashing itself. */
let spareBuffer: Buffer | undefined;

async function contentDigest(path: string): Promise<string> {
  const buffer = spareBuffer ?? Buffer.allocUnsafe(1 << 20);
  spareBuffer = undefined;
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    for (let read = 0; (read = (await file.read(buffer, 0, buffer.length, null)).bytesRead) > 0; ) hash.update(buffer.subarray(0, read));
  } finally {
    await file.close();
    spareBuffer = buffer;
  }
  return hash.digest('hex');
}

/** Go sorts names by their bytes, so the walk order is Docker's. */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function contextPath(context: BuildContext, absolutePath: string): string {
  return relative(context.root, absolutePath).split(sep).join('/');
}

async function lstatIfPresent(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw withPath(error, path);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Printed bare in the build's output, as Docker prints them. */
function sourceError(Class: typeof WharfError, instruction: SourceInstruction, message: string): WharfError {
  return new Class(`${instruction} failed: ${message}`, { fromDaemon: false });
}
