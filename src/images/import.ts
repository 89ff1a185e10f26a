// `import`: makes a one-layer image from a root filesystem tarball (any compression), with --change and a message.
import type { Readable } from 'node:stream';
import { sha256Of, type Digest } from '../digest/digest.ts';
import { InvalidArgumentError } from '../errors.ts';
import { decompressStream } from '../layers/compression.ts';
import { scanLayer } from '../layers/layer-scanner.ts';
import { MediaType } from '../oci/media-types.ts';
import type { ImageConfig } from '../oci/types.ts';
import { collectGarbage } from '../store/gc.ts';
import { Lease } from '../store/leases.ts';
import type { Store } from '../store/store.ts';
import { applyChanges } from './changes.ts';
import { insertImage, setTag } from './image-records.ts';
import { tagName } from './names.ts';
import { PassThrough } from 'node:stream';

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
  const lease = Lease.acquire(store.db);
  try {
    const { stream } = await decompressStream(input);
    const tap = new PassThrough();
    const scanned = scanLayer(tap, { what: 'imported layer' });
    scanned.catch(() => undefined);
    const blob = await store.content.ingest(stream, { tap, lease, what: 'imported layer' });
    const scan = await scanned;
    const created = new Date().toISOString();
    const comment = options.message || `Imported from ${options.source}`;
    const config: ImageConfig = {
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      os: platform.os,
      comment,
      created,
      config: applyChanges({}, options.changes),
      rootfs: { type: 'layers', diff_ids: [blob.digest] },
      history: [{ created, comment }],
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const id = sha256Of(configBytes);
    await store.content.ingestBytes(configBytes, { expected: id, lease, what: 'image config' });
    store.db.transaction(() => {
      insertImage(store, { id, created, layers: [{ diffId: blob.digest, size: scan.size, tarSize: blob.size, blob: { ...blob, mediaType: MediaType.ociLayer } }] });
      if (name) setTag(store, name, id, { touch: true });
      lease.releaseWithin();
    });
    return id;
  } finally {
    store.db.transaction(() => lease.releaseWithin());
    collectGarbage(store, { only: lease.digests });
  }
}

function parsePlatform(value: string | undefined): { os: string; architecture: string; variant?: string } {
  const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
  if (!value) return { os: 'linux', architecture: hostArch };
  const [os, architecture, variant] = value.split('/');
  if (!os || !architecture) throw new InvalidArgumentError(`"${value}": unknown operating system or architecture: invalid argument`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}
