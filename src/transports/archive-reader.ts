// Reads an image archive (docker save, classic or 25+, or an OCI layout tarball) in one streaming pass:
// every file lands in the content store under the caller's lease; small JSON files are kept in memory.
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { isDigest, type Digest } from '../digest/digest.ts';
import { InvalidContentError, LimitExceededError, WharfError } from '../errors.ts';
import { decompressStream } from '../layers/compression.ts';
import type { Lease } from '../store/leases.ts';
import type { Store } from '../store/store.ts';
import { collectPromotedBuffers } from '../streams/scavenge.ts';
import { archiveEntryName, followLinks, symlinkTargetName } from './archive-names.ts';
import { LayerAnalysis, type LayerFacts } from './layer-analysis.ts';

/** Bigger JSON than this in an archive is refused: real manifests and configs are kilobytes. */
export const MAX_ARCHIVE_JSON_BYTES = 8 * 1024 * 1024;

export interface StagedFile {
  digest: Digest;
  size: number;
  /** Present when the file is a tar (or compressed tar) that passed the layer rules. */
  layer?: LayerFacts;
}

export interface StagedArchive {
  files: Map<string, StagedFile>;
  json: Map<string, Buffer>;
}

const METADATA_FILES = new Set(['manifest.json', 'index.json', 'oci-layout', 'repositories']);

/** One reading pass: what it has staged so far, and the commits still landing on disk. */
interface ReadPass {
  staged: StagedArchive;
  links: Map<string, string>;
  store: Store;
  lease: Lease;
  commits: Array<Promise<unknown>>;
}

export async function readArchive(input: Readable, store: Store, lease: Lease): Promise<StagedArchive> {
  // the input's chunks are fresh buffers, held by the tar reader and the blob writes for a while
  collectPromotedBuffers();
  const pass: ReadPass = { staged: { files: new Map(), json: new Map() }, links: new Map(), store, lease, commits: [] };
  try {
    await extractAll(input, pass);
    // Blobs commit while later entries stream; all must be durable before anything reads them back.
    await Promise.all(pass.commits);
  } catch (error) {
    // No commit may land after the caller has given up and cleaned its lease.
    await Promise.allSettled(pass.commits);
    throw error;
  }
  resolveLinks(pass.staged, pass.links);
  return pass.staged;
}

async function extractAll(input: Readable, pass: ReadPass): Promise<void> {
  const { stream } = await decompressStream(input);
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', (error) => reject(asArchiveError(error)));
    // The entry being written must fail too, so its temp file goes; the extract's error then rejects.
    stream.on('error', (error: Error) => extract.destroy(error));
  });
  extract.on('entry', (header, body, next) => {
    // A failing entry destroys the extract, which reports the error once; the entry's own echo of it is noise.
    body.on('error', () => undefined);
    onEntry(archiveEntryName(header.name), header, body as unknown as Readable, pass).then(() => next(), (error) => extract.destroy(error));
  });
  stream.pipe(extract);
  await done;
}

async function onEntry(name: string, header: tar.Header, body: Readable, pass: ReadPass): Promise<void> {
  const { staged, links, store, lease } = pass;
  if (header.type === 'symlink' || header.type === 'link') {
    links.set(name, header.type === 'symlink' ? symlinkTargetName(name, header.linkname ?? '') : archiveEntryName(header.linkname ?? ''));
    body.resume();
    return;
  }
  if (header.type !== 'file' && header.type !== 'contiguous-file') {
    body.resume();
    return;
  }
  if (METADATA_FILES.has(name)) {
    staged.json.set(name, await readSmall(name, body, header.size ?? 0));
    return;
  }
  if (isClassicConfig(name, header.size ?? 0)) {
    const bytes = await readSmall(name, body, header.size ?? 0);
    staged.files.set(name, await store.content.ingestBytes(bytes, { expected: digestFromBlobPath(name), lease, what: `archive file ${name}` }));
    return;
  }
  staged.files.set(name, await stageBlob(name, body, header.size ?? 0, pass));
}

function isClassicConfig(name: string, size: number): boolean {
  return name.endsWith('.json') && !name.includes('/') && size <= MAX_ARCHIVE_JSON_BYTES;
}

async function stageBlob(name: string, body: Readable, size: number, pass: ReadPass): Promise<StagedFile> {
  const analysis = new LayerAnalysis({ what: name });
  const written = pass.store.content.write(body, { expected: digestFromBlobPath(name), tap: analysis, lease: pass.lease, what: `archive file ${name}`, sizeHint: size });
  // Tracked from the start, so a failing pass also waits for this write to clean up after itself.
  const committed = written.then((pending) => pending.commit());
  // Handled where the pass settles; this only keeps Node from calling it unhandled in the meantime.
  committed.catch(() => undefined);
  pass.commits.push(committed);
  const blob = await written;
  const layer = await analysis.result(blob);
  return { digest: blob.digest, size: blob.size, ...(layer ? { layer } : {}) };
}

/** blobs/sha256/<hex> (OCI) and <hex>.json (classic config) name their own digest. */
function digestFromBlobPath(name: string): Digest | undefined {
  const oci = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name);
  if (oci) {
    const digest = `${oci[1]}:${oci[2]}`;
    if (!isDigest(digest)) throw new InvalidContentError(`invalid archive: ${name} is not a valid blob path`, { fromDaemon: true });
    return digest;
  }
  const classic = /^([a-f0-9]{64})\.json$/.exec(name);
  return classic ? `sha256:${classic[1]}` : undefined;
}

async function readSmall(name: string, body: Readable, declared: number): Promise<Buffer> {
  if (declared > MAX_ARCHIVE_JSON_BYTES) {
    body.resume();
    throw new LimitExceededError(`invalid archive: ${name} is ${declared} bytes, over the ${MAX_ARCHIVE_JSON_BYTES}-byte limit for metadata`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function resolveLinks(staged: StagedArchive, links: Map<string, string>): void {
  for (const [name, target] of links) {
    const file = staged.files.get(followLinks(links, target));
    if (file) staged.files.set(name, file);
  }
}

function asArchiveError(error: unknown): Error {
  if (error instanceof WharfError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected end|premature|truncat/i.test(message)) {
    return new InvalidContentError('invalid archive: unexpected EOF (the archive is truncated)', { cause: error });
  }
  return new InvalidContentError(`invalid archive: ${message}`, { cause: error });
}
