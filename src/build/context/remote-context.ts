// `docker build URL`: a Git repository (`https://…/repo.git#ref:dir`, `git@…`, `git://…`, `github.com/…`) cloned shallowly, or a URL whose body is a (compressed) tar context or a bare Dockerfile.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, WharfError } from '../../errors.ts';
import { resolveInRoot } from '../../snapshots/resolve-in-root.ts';

export interface Fetched {
  /** The cloned directory (its `#ref:dir` subdirectory), or the downloaded file. */
  path: string;
  remove(): Promise<void>;
}

/** `#ref:dir`: the branch or tag to clone, and the context's directory inside the repository. */
export async function cloneGitContext(source: string): Promise<Fetched> {
  const [url, fragment = ''] = source.split('#', 2);
  const [ref, subdir = ''] = fragment.split(':', 2);
  const dir = await mkdtemp(join(tmpdir(), 'wharf-build-git-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const repository = url.startsWith('github.com/') ? `https://${url}` : url;
  const clone = (shallow: boolean) => run('git', ['clone', '--quiet', ...(shallow ? ['--depth', '1'] : []), '--recurse-submodules', ...(ref ? ['--branch', ref] : []), '--', repository, dir]);
  // a server without shallow fetches (Git's dumb HTTP) gets a whole clone instead
  let failure = await clone(true);
  if (failure !== undefined && /shallow/i.test(failure)) {
    await rm(dir, { recursive: true, force: true });
    failure = await clone(false);
  }
  if (failure !== undefined) {
    await remove();
    throw new WharfError(`unable to prepare context: unable to 'git clone' to temporary context directory: error fetching: ${failure}`, { fromDaemon: false });
  }
  return { path: subdir ? resolveInRoot(dir, subdir) : dir, remove };
}

/** The body, streamed to a private file: the context reader then tells a tar from a Dockerfile, as for stdin. */
export async function downloadContext(url: string): Promise<Fetched> {
  const response = await fetch(url).catch((error: Error) => {
    throw new InvalidArgumentError(`unable to prepare context: unable to download remote context ${url}: ${error.message}`, { fromDaemon: false, cause: error });
  });
  if (!response.ok || !response.body) {
    throw new InvalidArgumentError(`unable to prepare context: unable to download remote context ${url}: ${response.status} ${response.statusText}`, { fromDaemon: false });
  }
  const dir = await mkdtemp(join(tmpdir(), 'wharf-build-url-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'context');
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}

/** undefined on success, else git's last line of complaint. */
function run(program: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve(`${program}: ${error.message}`));
    child.on('close', (code) => resolve(code === 0 ? undefined : stderr.trim().split('\n').at(-1) || `exit code ${code}`));
  });
}
