// Where the data root is: --data-root or WHARF_ROOT, else /var/lib/wharf for root, else $XDG_DATA_HOME/wharf.
import os from 'node:os';
import path from 'node:path';

export function defaultDataRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WHARF_ROOT) return path.resolve(env.WHARF_ROOT);
  if (process.getuid?.() === 0) return '/var/lib/wharf';
  const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'wharf');
}
