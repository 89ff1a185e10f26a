// `save`: decides which images and tags the arguments name, then streams them as one archive.
import type { Writable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import { canonicalString, parseReference } from '../reference/reference.ts';
import type { Store } from '../store/store.ts';
import { writeArchive, type SaveEntry } from '../transports/archive-writer.ts';
import { localImage } from '../transports/local-image.ts';
import { imageEvent } from './image-events.ts';
import { familiar } from './names.ts';
import { resolveImage } from './resolve.ts';

export async function saveImages(store: Store, names: string[], output: Writable): Promise<void> {
  const tagsById = new Map<Digest, Set<string>>();
  for (const name of names) {
    for (const { id, tag } of selectionsFor(store, name)) {
      const tags = tagsById.get(id) ?? new Set<string>();
      if (tag) tags.add(tag);
      tagsById.set(id, tags);
    }
  }
  const entries: SaveEntry[] = [];
  for (const [id, tags] of tagsById) {
    const sorted = [...tags].sort();
    entries.push({ image: await localImage(store, id), tags: sorted, familiarTags: sorted.map(familiar) });
  }
  await writeArchive(store, entries, output);
  // dockerd's `save` event, once the archive is whole: by ID, and named by it too
  for (const { image } of entries) imageEvent(store, 'save', image.config.digest);
}

/** A repository name without a tag means every tag of it, as in Docker; an ID means the image, untagged. */
function selectionsFor(store: Store, name: string): Array<{ id: Digest; tag?: string }> {
  if (!/^(sha256:)?[a-f0-9]{64}$/.test(name) && !/[:@]/.test(name.slice(name.lastIndexOf('/') + 1))) {
    const repository = canonicalString(parseReference(name));
    const tagged = store.db.all("SELECT name, image_id FROM tags WHERE name LIKE ? ESCAPE '\\' ORDER BY name", `${escapeLike(repository)}:%`);
    if (tagged.length > 0) return tagged.map((row) => ({ id: row.image_id as Digest, tag: String(row.name) }));
  }
  const { id, reference } = resolveImage(store, name);
  return [{ id, tag: reference && !parseReference(reference).digest ? reference : undefined }];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
