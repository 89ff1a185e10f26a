// `tag`: points a new name at an existing image.
import { resolveImage } from './resolve.ts';
import { setTag } from './image-records.ts';
import { tagName } from './names.ts';
import type { Store } from '../store/store.ts';

export function tagImage(store: Store, source: string, target: string): void {
  const name = tagName(target);
  store.db.transaction(() => {
    const { id } = resolveImage(store, source);
    setTag(store, name, id, { touch: true });
  });
}
