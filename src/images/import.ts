// `import`: makes a one-layer image from a root filesystem tarball (any compression), with --change and a message.
import { PassThrough, type Readable } from 'node:stream';
import { sha256Of, type Digest } from '../digest/digest.ts';
import { decompressStream } from '../layers/compression.ts';
import { scanLayer } from '../layers/layer-scanner.ts';
import { MediaType } from '../oci/media-types.ts';
import type { ImageConfig } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import { withLease } from '../store/with-lease.ts';
import { applyChanges } from './changes.ts';
import { insertImage, setTag } from './image-records.ts';
import { imageEvent } from './image-events.ts';
import { tagName } from './names.ts';
import { parsePlatform } from '../oci/platform.ts';

export interface ImportOptions {
  source: string;
  tag?: string;
  changes: string[];
  message?: string;
  platform?: string;
}

export async function importImage(store: Store, input: Readable, options: ImportOptions): Promise<Digest> {
  const name = options.tag ? tagName(options.tag) : undefined;
  const platform = parsePlatform(options.platform);
  return withLease(store, async (lease) => {
    const { stream } = await decompressStream(input);
    const tap = new PassThrough();
    const scanned = scanLayer(tap, { what: 'imported layer' });
    scanned.catch(() => undefined);
    const blob = await store.content.ingest(stream, { tap, lease, what: 'imported layer' });
    const scan = await scanned;
    const config = importConfig(blob.digest, options, platform);
    const configBytes = Buffer.from(JSON.stringify(config));
    const id = sha256Of(configBytes);
    await store.content.ingestBytes(configBytes, { expected: id, lease, what: 'image config' });
    store.db.transaction(() => {
      insertImage(store, { id, created: config.created, layers: [{ diffId: blob.digest, size: scan.size, tarSize: blob.size, blob: { ...blob, mediaType: MediaType.ociLayer } }] });
      if (name) setTag(store, name, id, { touch: true });
      imageEvent(store, 'import', id);
      lease.releaseWithin();
    });
    return id;
  });
}

/** The config Docker's import writes: one layer, the changes applied, the message as comment and history. */
function importConfig(diffId: Digest, options: ImportOptions, platform: ReturnType<typeof parsePlatform>): ImageConfig {
  const created = new Date().toISOString();
  const comment = options.message || `Imported from ${options.source}`;
  return {
    architecture: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
    os: platform.os,
    comment,
    created,
    config: applyChanges({}, options.changes),
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, comment }],
  };
}
