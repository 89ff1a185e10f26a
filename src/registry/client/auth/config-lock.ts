// Serialises read-modify-write of config.json between processes: two logins at once must not lose each other's entry.
import fs from 'node:fs';
import path from 'node:path';
import { WharfError } from '../../../errors.ts';
import { withFileLock } from '../../../store/file-lock.ts';

/** Runs `update` holding `<config>.lock`, created exclusively beside the file. */
export async function withConfigLock<T>(configPath: string, update: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(configPath), { recursive: true, mode: 0o700 });
  const lock = `${configPath}.lock`;
  return withFileLock(lock, {
    waitMs: 10_000,
    staleMs: 30_000,
    timeoutError: () => new WharfError(`timed out waiting for ${lock}, held by another process`, { fromDaemon: false }),
  }, update);
}
