// Serialises read-modify-write of config.json between processes: two logins at once must not lose each other's entry.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WharfError } from '../../../errors.ts';

const WAIT_MS = 10_000;
/** A lock older than this belongs to a process that hung or died on another machine sharing the directory. */
const STALE_MS = 30_000;

/** Runs `update` holding `<config>.lock` (created exclusively beside the file, holding our pid); a dead holder's lock is taken over. */
export async function withConfigLock<T>(configPath: string, update: () => Promise<T>): Promise<T> {
  const dir = path.dirname(configPath);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = `${configPath}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if (tryLock(lock)) break;
    if (isStale(lock)) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new WharfError(`timed out waiting for ${lock}, held by another process`, { fromDaemon: false });
    await sleep(delay);
  }
  try {
    return await update();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function tryLock(lock: string): boolean {
  try {
    const fd = fs.openSync(lock, 'wx', 0o600);
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function isStale(lock: string): boolean {
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8'));
    if (Date.now() - fs.statSync(lock).mtimeMs > STALE_MS) return true;
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // ESRCH: no such process; ENOENT: released meanwhile (the next try takes it)
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
