// The repository catalog: every repository name under the root, in lexical order.
import { REPOSITORIES, REPOSITORY_DATA_DIRS } from './paths.ts';
import type { StorageReader } from './storage-driver.ts';
import { byteOrder } from './tag-service.ts';

/** A directory is a repository when it holds repository data; its other children are deeper name components. */
export async function listRepositories(driver: StorageReader): Promise<string[]> {
  const names: string[] = [];
  const walk = async (prefix: string): Promise<void> => {
    const children = await driver.list(prefix ? `${REPOSITORIES}/${prefix}` : REPOSITORIES);
    if (prefix && children.some((child) => REPOSITORY_DATA_DIRS.has(child))) names.push(prefix);
    for (const child of children) {
      if (!child.startsWith('_')) await walk(prefix ? `${prefix}/${child}` : child);
    }
  };
  await walk('');
  return names.sort(byteOrder);
}

/** `n` entries after `last` (exclusive), and whether more follow. */
export function paginate(items: string[], options: { n?: number; last?: string }): { page: string[]; more: boolean } {
  const start = options.last === undefined ? 0 : items.findIndex((item) => byteOrder(item, options.last as string) > 0);
  const rest = start < 0 ? [] : items.slice(start);
  if (options.n === undefined) return { page: rest, more: false };
  return { page: rest.slice(0, options.n), more: rest.length > options.n };
}
