// The first half of an ingest: streams a source into ingest/<pid>-<random> while hashing it, and verifies it.
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crypto, digestAlgorithm } from '../digest/digest.ts';
import { hashingStreamFor } from '../digest/worker-hashing-stream.ts';
import { withPath } from '../errors.ts';
import { WritebackFile } from '../streams/writeback-file.ts';
import { verifyBlob, type ContentStore, type IngestOptions, type PendingBlob } from './content-store.ts';

const fsp = () => process.getBuiltinModule('node:fs/promises');

/** The blob is verified, not yet durable or visible: its `commit()` makes it both. */
export async function writeBlob(content: ContentStore, source: Readable, options: IngestOptions): Promise<PendingBlob> {
  const temp = path.join(content.ingestDir(), `${process.pid}-${crypto().randomBytes(8).toString('hex')}`);
  const algorithm = options.expected ? digestAlgorithm(options.expected) : 'sha256';
  const hashing = hashingStreamFor(algorithm, options.sizeHint);
  try {
    // A deep buffer lets hashing run ahead while the previous chunk is still being written.
    const sink = new WritebackFile(temp, { flags: 'wx', mode: 0o644, highWaterMark: 4 << 20 });
    if (options.tap) {
      // A tap that rejects the content (a hostile layer, say) aborts the whole write.
      options.tap.on('error', (error) => hashing.destroy(error));
      hashing.pipe(options.tap);
    }
    await pipeline(source, hashing, sink);
    const blob = { digest: hashing.digest(), size: hashing.size };
    verifyBlob(blob, options);
    return { ...blob, commit: () => content.commit(temp, blob, options.lease) };
  } catch (error) {
    await fsp().rm(temp, { force: true });
    throw withPath(error, temp);
  }
}
