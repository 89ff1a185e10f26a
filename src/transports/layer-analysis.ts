// A tap on a blob being stored that, when the blob is a layer, finds its diff ID and unpacked size and
// enforces the layer rules, in the same pass as the store's own hashing and writing.
import { PassThrough } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import type { BlobInfo } from '../store/content-store.ts';
import { HashingStream } from '../digest/hashing-stream.ts';
import { decompressStream } from '../layers/compression.ts';
import { scanLayer } from '../layers/layer-scanner.ts';
import { readHead } from '../layers/read-head.ts';
import type { LayerCompression } from '../oci/media-types.ts';

export interface LayerFacts {
  diffId: Digest;
  /** Bytes of the uncompressed tar. */
  tarSize: number;
  /** Unpacked size as Docker's overlay2 driver counts it. */
  size: number;
  compression: LayerCompression;
}

const TAR_BLOCK = 512;

/** What the pass itself learns; an uncompressed layer's diff ID and tar size are its blob's, known only after. */
type Analysis = Omit<LayerFacts, 'diffId' | 'tarSize'> & Partial<Pick<LayerFacts, 'diffId' | 'tarSize'>>;

export class LayerAnalysis extends PassThrough {
  private readonly outcome: Promise<Analysis | undefined>;
  private decoderConsumed: (() => number) | undefined;

  constructor(options: { what: string }) {
    super();
    this.outcome = this.analyze(options.what);
    // The outcome is awaited through result(); this keeps an early failure from being unhandled.
    this.outcome.catch(() => undefined);
  }

  /** Resolves after the stream has ended: undefined when the blob is not a tar at all (a JSON config). */
  async result(blob: BlobInfo): Promise<LayerFacts | undefined> {
    const analysis = await this.outcome;
    if (!analysis) return undefined;
    return { ...analysis, diffId: analysis.diffId ?? blob.digest, tarSize: analysis.tarSize ?? blob.size };
  }

  /**
   * Bytes of the blob wholly decompressed, which nothing here holds any more; 0 for an uncompressed layer, whose
   * scanner may keep pieces of what it read.
   */
  consumedBytes(): number {
    return this.decoderConsumed?.() ?? 0;
  }

  private async analyze(what: string): Promise<Analysis | undefined> {
    const { stream, compression, consumed } = await decompressStream(this);
    this.decoderConsumed = consumed;
    const { head } = await readHead(stream, TAR_BLOCK);
    if (!looksLikeTar(head)) {
      stream.resume();
      return undefined;
    }
    // An uncompressed layer's diff ID is the digest the store computes anyway: hashing it twice would cost a second pass.
    const hashing = compression === 'none' ? undefined : new HashingStream();
    if (hashing) stream.on('error', (error: Error) => hashing.destroy(error));
    const scanned = scanLayer(hashing ? stream.pipe(hashing) : stream, { what });
    try {
      const scan = await scanned;
      const decompressed = hashing ? { diffId: hashing.digest(), tarSize: hashing.size } : {};
      return { ...decompressed, size: scan.size, compression: toLayerCompression(compression) };
    } catch (error) {
      this.destroy(error as Error);
      throw error;
    }
  }
}

function toLayerCompression(compression: string): LayerCompression {
  return compression === 'gzip' || compression === 'zstd' ? compression : 'none';
}

function looksLikeTar(block: Buffer): boolean {
  if (block.length < TAR_BLOCK) return false;
  if (block.subarray(257, 262).toString('latin1') === 'ustar') return true;
  return block.subarray(0, TAR_BLOCK).every((byte) => byte === 0);
}
