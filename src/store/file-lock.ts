// A lock between processes on one host: a file created exclusively, holding its owner's pid; a dead owner's (or a too old) lock is taken over.
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { withPath } from '../errors.ts';
import { isNotFound } from './content-store.ts';
import { isProcessAlive } from './leases.ts';

export interface FileLockOptions {
  /** How long to wait for another holder before giving up with `timeoutError()`. */
  waitMs: number;
  /** A lock older than this belongs to a process that hung, or died on another machine sharing the directory. */
  staleMs: number;
  timeoutError: () => Error;
}

export async function withFileLock<T>(lock: string, options: FileLockOptions, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  for (let delay = 10; !(await tryLock(lock)); delay = Math.min(delay * 2, 200)) {
    if (await isStale(lock, options.staleMs)) await rm(lock, { force: true });
    else if (Date.now() > deadline) throw options.timeoutError();
    else await sleep(delay);
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

async function tryLock(lock: string): Promise<boolean> {
  try {
    const handle = await open(lock, 'wx', 0o600);
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw withPath(error, lock);
  }
}

async function isStale(lock: string, staleMs: number): Promise<boolean> {
  try {
    const [stats, owner] = await Promise.all([stat(lock), readFile(lock, 'utf8')]);
    const pid = Number(owner);
    // an empty lock is one being written right now, unless it has been empty too long
    return Date.now() - stats.mtimeMs > staleMs || (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid));
  } catch (error) {
    // released meanwhile: the next try takes it
    if (isNotFound(error)) return false;
    throw error;
  }
}
