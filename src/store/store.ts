// Opens a data root: the content store and the metadata DB side by side, created on first use.
import path from 'node:path';
import { ContentStore } from './content-store.ts';
import { MetadataDb } from './metadata-db.ts';

export interface Store {
  root: string;
  content: ContentStore;
  db: MetadataDb;
}

const openStores = new Map<string, Store>();

/**
 * The store at `root`, made on first use. With `create: false` (a container's monitor, acting after the fact) a root
 * that is gone stays gone: opening fails rather than making an empty store where someone has just removed one.
 */
export async function openStore(root: string, options: { create?: boolean } = {}): Promise<Store> {
  const existing = openStores.get(root);
  if (existing) return existing;
  const create = options.create !== false;
  const content = new ContentStore(root);
  if (create) {
    // Not an import of node:fs: that loads fs/promises too (see content-store.ts).
    process.getBuiltinModule('node:fs').mkdirSync(root, { recursive: true, mode: 0o700 });
    content.init();
  }
  const store = { root, content, db: new MetadataDb(path.join(root, 'metadata.db'), { create }) };
  openStores.set(root, store);
  return store;
}

export function closeStore(store: Store): void {
  store.db.close();
  openStores.delete(store.root);
}
