// Reads and writes image records in the metadata DB: images, their layers, tags and repo digests.
import type { Digest } from '../digest/digest.ts';
import { chainIds } from './chain-ids.ts';
import type { Row } from '../store/metadata-db.ts';
import type { Store } from '../store/store.ts';
import { imageEvent } from './image-events.ts';
import { familiar } from './names.ts';

export interface LayerRecord {
  diffId: Digest;
  size: number;
  tarSize: number;
  blob: { digest: Digest; size: number; mediaType: string };
}

export interface NewImage {
  id: Digest;
  created?: string;
  layers: LayerRecord[];
  manifestDigest?: Digest;
  parent?: Digest;
}

export interface ImageRecord {
  id: Digest;
  created?: string;
  size: number;
  parent?: Digest;
  manifestDigest?: Digest;
  loadedAt: string;
  lastTagTime?: string;
  /** Fully qualified names (`docker.io/library/busybox:latest`), sorted. */
  repoTags: string[];
  repoDigests: string[];
  diffIds: Digest[];
}

/** Call inside a transaction. */
export function insertImage(store: Store, image: NewImage): void {
  const { db } = store;
  for (const layer of image.layers) {
    db.run('INSERT OR IGNORE INTO layers (diff_id, size, tar_size) VALUES (?, ?, ?)', layer.diffId, layer.size, layer.tarSize);
    db.run(
      'INSERT OR IGNORE INTO layer_blobs (blob_digest, diff_id, media_type, size) VALUES (?, ?, ?, ?)',
      layer.blob.digest, layer.diffId, layer.blob.mediaType, layer.blob.size,
    );
  }
  const size = image.layers.reduce((sum, layer) => sum + layer.size, 0);
  db.run(
    `INSERT INTO images (id, created, size, parent, manifest_digest, loaded_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET manifest_digest = COALESCE(images.manifest_digest, excluded.manifest_digest)`,
    image.id, image.created ?? null, size, image.parent ?? null, image.manifestDigest ?? null, new Date().toISOString(),
  );
  const chains = chainIds(image.layers.map((layer) => layer.diffId));
  image.layers.forEach((layer, position) => {
    db.run('INSERT OR IGNORE INTO image_layers (image_id, position, diff_id, chain_id) VALUES (?, ?, ?, ?)', image.id, position, layer.diffId, chains[position]);
  });
}

/**
 * Points a tag at an image and logs dockerd's `tag` event (a pull or load logs only its own: `quiet`); returns the image it
 * pointed at before, when that was another. Call inside a transaction.
 */
export function setTag(store: Store, name: string, imageId: Digest, options: { touch: boolean; quiet?: boolean }): Digest | undefined {
  const previous = store.db.get('SELECT image_id FROM tags WHERE name = ?', name)?.image_id as Digest | undefined;
  const now = new Date().toISOString();
  store.db.run('INSERT OR REPLACE INTO tags (name, image_id, created) VALUES (?, ?, ?)', name, imageId, now);
  if (options.touch) store.db.run('UPDATE images SET last_tag_time = ? WHERE id = ?', now, imageId);
  if (!options.quiet) imageEvent(store, 'tag', imageId, { name: familiar(name) });
  return previous && previous !== imageId ? previous : undefined;
}

/** Every image; `layers: false` leaves diffIds empty for callers that never read them (a listing). */
export function listImageRecords(store: Store, options: { layers: boolean } = { layers: true }): ImageRecord[] {
  const { db } = store;
  const records = new Map<string, ImageRecord>();
  // Indexed loops and no destructuring: this runs cold, where every iterator step allocates, a thousand rows a query.
  const images = db.arrays(`SELECT ${IMAGE_COLUMNS} FROM images`);
  for (let i = 0; i < images.length; i++) records.set(String(images[i][0]), toRecord(images[i]));
  const tags = db.arrays('SELECT name, image_id FROM tags ORDER BY name');
  for (let i = 0; i < tags.length; i++) records.get(String(tags[i][1]))?.repoTags.push(String(tags[i][0]));
  const digests = db.arrays('SELECT name, image_id FROM repo_digests ORDER BY name');
  for (let i = 0; i < digests.length; i++) records.get(String(digests[i][1]))?.repoDigests.push(String(digests[i][0]));
  if (!options.layers) return [...records.values()];
  for (const [id, diffId] of db.arrays('SELECT image_id, diff_id FROM image_layers ORDER BY image_id, position')) {
    records.get(String(id))?.diffIds.push(diffId as Digest);
  }
  return [...records.values()];
}

export function getImageRecord(store: Store, id: Digest): ImageRecord | undefined {
  const [columns] = store.db.arrays(`SELECT ${IMAGE_COLUMNS} FROM images WHERE id = ?`, id);
  if (!columns) return undefined;
  const record = toRecord(columns);
  record.repoTags = store.db.all('SELECT name FROM tags WHERE image_id = ? ORDER BY name', id).map((r) => String(r.name));
  record.repoDigests = store.db.all('SELECT name FROM repo_digests WHERE image_id = ? ORDER BY name', id).map((r) => String(r.name));
  record.diffIds = store.db.all('SELECT diff_id FROM image_layers WHERE image_id = ? ORDER BY position', id).map((r) => r.diff_id as Digest);
  return record;
}

export function layerSizes(store: Store): Map<Digest, number> {
  return new Map(store.db.all('SELECT diff_id, size FROM layers').map((row) => [row.diff_id as Digest, Number(row.size)]));
}

/** The columns toRecord reads, in its order; rows come as arrays, which SQLite hands over far faster than objects. */
const IMAGE_COLUMNS = 'id, created, size, parent, manifest_digest, loaded_at, last_tag_time';

function toRecord(columns: Array<Row[string]>): ImageRecord {
  return {
    id: columns[0] as Digest,
    created: (columns[1] as string | null) ?? undefined,
    size: Number(columns[2]),
    parent: (columns[3] as Digest | null) ?? undefined,
    manifestDigest: (columns[4] as Digest | null) ?? undefined,
    loadedAt: String(columns[5]),
    lastTagTime: (columns[6] as string | null) ?? undefined,
    repoTags: [],
    repoDigests: [],
    diffIds: [],
  };
}

/** The image's layers as insertImage takes them, bottom first (one stored blob each). */
export function imageLayerRecords(store: Store, imageId: Digest): LayerRecord[] {
  const rows = store.db.all(`
    SELECT l.diff_id, l.size, l.tar_size, MIN(b.blob_digest) AS blob_digest, b.size AS blob_size, b.media_type
    FROM image_layers il JOIN layers l ON l.diff_id = il.diff_id JOIN layer_blobs b ON b.diff_id = il.diff_id
    WHERE il.image_id = ? GROUP BY il.position ORDER BY il.position`, imageId);
  return rows.map((row) => ({
    diffId: row.diff_id as Digest,
    size: Number(row.size),
    tarSize: Number(row.tar_size),
    blob: { digest: row.blob_digest as Digest, size: Number(row.blob_size), mediaType: String(row.media_type) },
  }));
}
