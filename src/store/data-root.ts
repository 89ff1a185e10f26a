// Where the data root is: --data-root, else WHARF_ROOT, else daemon.json's "data-root", else /var/lib/wharf (root) or $XDG_DATA_HOME/wharf.
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.ts';

export const DEFAULT_CONFIG_FILE = '/etc/wharf/daemon.json';

export function defaultDataRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WHARF_ROOT) return path.resolve(env.WHARF_ROOT);
  const configured = readDaemonConfig(env.WHARF_CONFIG ?? DEFAULT_CONFIG_FILE)['data-root'];
  if (typeof configured === 'string' && configured) return path.resolve(configured);
  if (process.getuid?.() === 0) return '/var/lib/wharf';
  const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'wharf');
}

/** Docker's daemon.json keys; a missing file is an empty config, a malformed one an error naming it. */
export function readDaemonConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    // Not an import of node:fs: that loads fs/promises and readline too, ~2 ms of every command's start-up.
    text = process.getBuiltinModule('node:fs').readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError(`unable to configure wharf with file ${file}: ${(error as Error).message}`, { cause: error, fromDaemon: false });
  }
}
