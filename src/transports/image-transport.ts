// What any place images live offers to a copy: a source yields manifests and blobs, a destination takes them.
// Lifecycle of a copy: layers the source encodes as it goes → destination.putBlobAsMade(), where both sides can;
// then source.manifest() → for each blob: destination.hasBlob() ? skip : putBlob() → putManifest() for every image
// manifest, then for the index → destination.commit() (an archive writes its index there) → close both.
import type { Readable } from 'node:stream';
import type { Digest } from '../digest/digest.ts';
import type { Descriptor } from '../oci/types.ts';

/** Manifest bytes exactly as stored or served: their digest is the sha256 of these bytes, never of re-serialised JSON. */
export interface ManifestBytes {
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
}

export interface ImageSource {
  /** The manifest or index the source's reference names, or, given a digest, that one (an index's child). */
  manifest(digest?: Digest): Promise<ManifestBytes>;
  /** A blob's bytes; a destination verifies them against the descriptor as they pass. */
  blob(descriptor: Descriptor): Promise<Readable>;
  /** A blob from `offset` on, for resuming; a source that cannot seek starts at 0 and says so. */
  blobFrom?(descriptor: Descriptor, offset: number): Promise<{ stream: Readable; offset: number }>;
  /**
   * Layers the source encodes as it copies them (a stored plain layer, gzipped for a push). Their digests are known
   * only once encoded, so a destination that takes such blobs gets them first, and manifest() is asked for after.
   */
  layersToEncode?(): Promise<LayerEncoding[]>;
  close(): Promise<void>;
}

export interface LayerEncoding {
  /** The layer as stored before encoding: its plain tar (digest the diff ID, the uncompressed size). */
  plain: Descriptor;
  /** Starts encoding; `onPlainBytes` hears how much of the plain layer has been read. */
  open(onPlainBytes: (bytes: number) => void): Promise<MadeLayer>;
}

export interface MadeLayer {
  /** The encoded bytes as they are made. */
  stream: Readable;
  /** Resolves once every byte is made and hashed: what an upload's closing request names. */
  described: Promise<Descriptor>;
  /** Resolves once the source keeps the encoding, verified, durable and recorded. */
  encoded: Promise<Descriptor>;
}

export interface PutManifestOptions {
  /** True for the manifest (or index) the copy was asked for, which the destination names with its reference. */
  topLevel: boolean;
  /** The index the manifest was chosen from, when it was: the name the user pulled points at that. */
  index?: ManifestBytes;
}

export interface ImageDestination {
  /** True when the destination already holds the blob, so the copy skips it. */
  hasBlob(descriptor: Descriptor): Promise<boolean>;
  /** Stores a blob, verifying digest and size; nothing is visible if they do not match. */
  putBlob(descriptor: Descriptor, content: Readable): Promise<void>;
  /** Like putBlob, keeping what arrived of an interrupted earlier copy and asking `open` only for the rest. */
  putBlobFrom?(descriptor: Descriptor, open: (offset: number) => Promise<{ stream: Readable; offset: number }>): Promise<void>;
  /** Stores a blob whose descriptor is known only at its end (`described` resolves then): Docker's streamed upload. */
  putBlobAsMade?(content: Readable, described: Promise<Descriptor>): Promise<void>;
  putManifest(manifest: ManifestBytes, options: PutManifestOptions): Promise<void>;
  /** Makes the copy visible as one step, where the destination can (an archive writes its index and closes). */
  commit(): Promise<void>;
  close(): Promise<void>;
}
