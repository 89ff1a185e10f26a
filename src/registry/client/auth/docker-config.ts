// Reads and atomically rewrites Docker's client config file (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), keeping keys wharf does not know.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WharfError } from '../../../errors.ts';

/** One `auths` entry as Docker writes it: `auth` is base64 of `user:password`. */
export interface AuthEntry {
  auth?: string;
  identitytoken?: string;
  registrytoken?: string;
  username?: string;
  password?: string;
  [key: string]: unknown;
}

export interface DockerConfig {
  path: string;
  /** The whole file as parsed, unknown keys included, so a rewrite loses nothing. */
  data: Record<string, unknown> & { auths?: Record<string, AuthEntry>; credsStore?: string; credHelpers?: Record<string, string> };
}

const CONFIG_FILE = 'config.json';

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  return path.join(dir, CONFIG_FILE);
}

/** The config file; a missing one reads as empty. A malformed one throws unless `lenient` (lookups carry on without it, as Docker does). */
export function readDockerConfig(env: NodeJS.ProcessEnv = process.env, options: { lenient?: boolean } = {}): DockerConfig {
  const file = dockerConfigPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path: file, data: {} };
    if (options.lenient) return { path: file, data: {} };
    throw new WharfError(`Error loading config file: ${file}: ${(error as Error).message}`, { fromDaemon: false, cause: error });
  }
  try {
    const data: unknown = text.trim() ? JSON.parse(text) : {};
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not a JSON object');
    return { path: file, data: data as DockerConfig['data'] };
  } catch (error) {
    if (options.lenient) return { path: file, data: {} };
    throw new WharfError(`Error loading config file: ${file}: ${(error as Error).message}`, { fromDaemon: false, cause: error });
  }
}

/**
 * Writes the config as Docker does (tab-indented JSON), through a 0600 temp file beside it, fsynced, then renamed over
 * it: a reader sees the old file or the new one, never half of one. A symlinked config.json is written through.
 */
export function writeDockerConfig(config: DockerConfig): void {
  const target = resolveSymlink(config.path);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, JSON.stringify(config.data, null, '\t'));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new WharfError(`Error saving credentials: ${(error as Error).message}`, { fromDaemon: false, cause: error });
  }
  syncDirectory(dir);
}

function resolveSymlink(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
