// The context of `wharf build`: a directory used in place or a tar unpacked privately, with its Dockerfile and .dockerignore, by docker build's rules.
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError, NotFoundError, WharfError, withPath } from '../../errors.ts';
import { resolveInRoot } from '../../snapshots/resolve-in-root.ts';
import { IgnoreMatcher, parseDockerignore } from './dockerignore.ts';
import { type RemoteKind, remoteKind } from './remote-kind.ts';
import { goClean } from '../../go/path.ts';

export interface BuildContext {
  /** The directory COPY and ADD read from: the one given (symlinks resolved), or a private one a tar was unpacked into. */
  root: string;
  /**
   * `name` is the Dockerfile's path relative to the root (slash-separated) when it lies inside the context, its absolute
   * path when `-f` names one outside, and `-` when it was read from stdin with `-f -`.
   */
  dockerfile: { name: string; text: string };
  /** The .dockerignore in force: hidden paths are invisible to COPY and ADD, the Dockerfile and .dockerignore included. */
  ignore: IgnoreMatcher;
  /** Removes what was unpacked; a directory context is left as it is. Safe to call more than once. */
  close(): Promise<void>;
}

export interface BuildContextOptions {
  /** A directory, a tar file (plain, gzip, bzip2, xz or zstd), a Git or http(s) URL, or `-`: a tar, or else a Dockerfile, on stdin. */
  source: string;
  stdin: NodeJS.ReadableStream;
  /** `-f`: relative to the current directory for a directory context, a path inside the tar for a tar one, `-` for stdin. */
  dockerfile?: string;
}

type Dockerfile = BuildContext['dockerfile'];

const STDIN = '-';
const DEFAULT_DOCKERFILE = 'Dockerfile';
/** Docker also takes `dockerfile` when no `Dockerfile` exists and no `-f` was given. */
const LOWERCASE_DOCKERFILE = 'dockerfile';
const DOCKERIGNORE = '.dockerignore';

export async function openBuildContext(options: BuildContextOptions): Promise<BuildContext> {
  if (options.source === STDIN) return openStdin(options);
  const remote = remoteKind(options.source);
  if (remote) return openRemote(options, remote);
  const found = await stat(options.source).catch(() => undefined);
  if (!found) throw clientError(NotFoundError, `unable to prepare context: path ${JSON.stringify(options.source)} not found`);
  return found.isDirectory() ? openDirectory(options) : openTarFile(options);
}

/** The directory is read where it is: only what a COPY names is ever opened. */
async function openDirectory(options: BuildContextOptions): Promise<BuildContext> {
  const root = await realpath(resolve(options.source));
  if (options.dockerfile === STDIN) {
    const dockerfile = { name: STDIN, text: await readAll(readable(options.stdin)) };
    return { root, dockerfile, ignore: await readIgnore([join(root, DOCKERIGNORE)]), close: async () => undefined };
  }
  const path = await dockerfilePath(root, options.dockerfile);
  const real = await evalDockerfileSymlinks(path);
  const text = await readFile(real, 'utf8').catch((error: unknown) => Promise.reject(withPath(error, real)));
  const inside = relative(root, real);
  const name = inside === '..' || inside.startsWith('../') || isAbsolute(inside) ? real : inside;
  const ignore = await readIgnore([`${path}${DOCKERIGNORE}`, join(root, DOCKERIGNORE)]);
  return { root, dockerfile: { name, text }, ignore, close: async () => undefined };
}

/** Docker resolves `-f` against the current directory, not the context. */
async function dockerfilePath(root: string, requested: string | undefined): Promise<string> {
  if (requested !== undefined) return resolve(requested);
  const standard = join(root, DEFAULT_DOCKERFILE);
  const lowercase = join(root, LOWERCASE_DOCKERFILE);
  if (!(await exists(standard)) && (await exists(lowercase))) return lowercase;
  return standard;
}

/** Go's filepath.EvalSymlinks, failing as it does: on the first component that is missing (`lstat /a/b: no such file or directory`). */
async function evalDockerfileSymlinks(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw withPath(error, path);
    const reason = code === 'ENOENT' ? 'no such file or directory' : 'not a directory';
    const missing = await firstMissing(path);
    throw clientError(NotFoundError, `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${missing}: ${reason}`);
  }
}

async function firstMissing(path: string): Promise<string> {
  let child = path;
  for (let dir = dirname(path); ; child = dir, dir = dirname(dir)) {
    const real = await realpath(dir).catch(() => undefined);
    if (real !== undefined) return join(real, basename(child));
    if (dir === dirname(dir)) return path;
  }
}

/** A clone is a directory context (`-f` inside it); a download is read as stdin is, a tar or else the Dockerfile itself. */
async function openRemote(options: BuildContextOptions, kind: RemoteKind): Promise<BuildContext> {
  // loaded only for a remote context: fetching needs child_process, which costs every other build's start-up ~7 ms
  const { cloneGitContext, downloadContext } = await import('./remote-context.ts');
  const fetched = kind === 'git' ? await cloneGitContext(options.source) : await downloadContext(options.source);
  try {
    const context = kind === 'git'
      ? await openDirectory({ ...options, source: fetched.path, dockerfile: options.dockerfile === undefined ? undefined : resolveInRoot(fetched.path, options.dockerfile) })
      : await openStdin({ ...options, stdin: createReadStream(fetched.path) });
    return { ...context, close: async () => (await context.close(), await fetched.remove()) };
  } catch (error) {
    await fetched.remove();
    throw error;
  }
}

/** A tar file is wharf's own addition (docker build takes one only on stdin); any other file is Docker's error. */
async function openTarFile(options: BuildContextOptions): Promise<BuildContext> {
  const { isArchive, stream } = await (await archives()).sniffArchive(createReadStream(options.source));
  if (!isArchive) {
    stream.destroy();
    throw clientError(InvalidArgumentError, `unable to prepare context: context must be a directory: ${resolve(options.source)}`);
  }
  return openArchive(stream, options);
}

/** `docker build -`: a tar context, or else the Dockerfile itself, alone in an otherwise empty context. */
async function openStdin(options: BuildContextOptions): Promise<BuildContext> {
  if (options.dockerfile === STDIN) {
    throw clientError(InvalidArgumentError, "invalid argument: can't use stdin for both build context and dockerfile");
  }
  const { isArchive, stream } = await (await archives()).sniffArchive(readable(options.stdin));
  if (isArchive) return openArchive(stream, options);
  const text = await readAll(stream);
  return inTempRoot(async (root) => {
    // the docker CLI sends the Dockerfile as the context's only file, so COPY can name it
    await writeFile(join(root, DEFAULT_DOCKERFILE), text);
    return { dockerfile: { name: DEFAULT_DOCKERFILE, text }, ignore: new IgnoreMatcher([]) };
  });
}

async function openArchive(stream: Readable, options: BuildContextOptions): Promise<BuildContext> {
  return inTempRoot(async (root) => {
    await (await archives()).extractArchive(stream, root);
    if (options.dockerfile === STDIN) {
      const dockerfile = { name: STDIN, text: await readAll(readable(options.stdin)) };
      return { dockerfile, ignore: await readIgnore([resolveInRoot(root, DOCKERIGNORE)]) };
    }
    const dockerfile = await dockerfileInArchive(root, options.dockerfile);
    const ignore = await readIgnore([resolveInRoot(root, `${dockerfile.name}${DOCKERIGNORE}`), resolveInRoot(root, DOCKERIGNORE)]);
    return { dockerfile, ignore };
  });
}

/** Like the daemon: a path inside the tar (followed chroot-style), `dockerfile` tried when `Dockerfile` is missing. */
async function dockerfileInArchive(root: string, requested: string | undefined): Promise<Dockerfile> {
  const name = goClean(`/${requested ?? DEFAULT_DOCKERFILE}`).slice(1);
  const candidates = name === DEFAULT_DOCKERFILE ? [name, LOWERCASE_DOCKERFILE] : [name];
  for (const candidate of candidates) {
    const text = await readIfPresent(resolveInRoot(root, candidate));
    if (text !== undefined) return { name: candidate, text };
  }
  throw new NotFoundError(`Cannot locate specified Dockerfile: ${name}`);
}

/** The first of the candidate .dockerignore files that exists; none is an empty one. */
async function readIgnore(candidates: string[]): Promise<IgnoreMatcher> {
  for (const path of candidates) {
    const text = await readIfPresent(path);
    if (text === undefined) continue;
    try {
      return new IgnoreMatcher(parseDockerignore(text));
    } catch (error) {
      if (!(error instanceof WharfError)) throw error;
      throw clientError(InvalidArgumentError, `error checking context: ${error.message}`, error);
    }
  }
  return new IgnoreMatcher([]);
}

/** A private directory for an unpacked context, removed again if filling it fails. */
async function inTempRoot(fill: (root: string) => Promise<Omit<BuildContext, 'root' | 'close'>>): Promise<BuildContext> {
  const root = await mkdtemp(join(tmpdir(), 'wharf-build-context-'));
  // retried: a failed unpack can still have a file write in flight when it reports
  const close = () => rm(root, { recursive: true, force: true, maxRetries: 5 });
  try {
    return { root, ...(await fill(root)), close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw withPath(error, path);
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

function readable(stream: NodeJS.ReadableStream): Readable {
  return stream instanceof Readable ? stream : new Readable().wrap(stream);
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** The tar reader and applier, loaded only for a tar context: a directory context (a cached rebuild's) never needs them. */
function archives(): Promise<typeof import('./context-archive.ts')> {
  return import('./context-archive.ts');
}

/** The docker CLI reports these itself, so they print without the daemon's prefix. */
function clientError(Class: typeof WharfError, message: string, cause?: unknown): WharfError {
  return new Class(message, { fromDaemon: false, cause });
}
