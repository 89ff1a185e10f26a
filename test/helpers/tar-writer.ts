// Writes deterministic tar streams (fixed mtime, root owner, given order) from a list of items.
import { once } from 'node:events';
import { Readable } from 'node:stream';
import tar, { type Header } from 'tar-stream';
import { type ByteSource, writeHashed } from './byte-source.ts';

/** 2023-11-14T22:13:20Z, the SOURCE_DATE_EPOCH every fixture uses so its bytes never change. */
export const FIXED_EPOCH = 1700000000;
export const FIXED_CREATED = new Date(FIXED_EPOCH * 1000).toISOString().replace('.000Z', 'Z');

export interface TarItem {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'link';
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  /** Extended (PAX) header records, e.g. `SCHILY.xattr.user.x`. */
  pax?: Record<string, string>;
  body?: ByteSource;
}

const DEFAULT_MODE: Record<TarItem['type'], number> = { file: 0o644, directory: 0o755, symlink: 0o777, link: 0o644 };
const EMPTY = Buffer.alloc(0);

/** Orders paths like `tar --sort=name`: comparing by components puts every directory right before its children. */
export function compareTarNames(a: string, b: string): number {
  const [x, y] = [a.replaceAll('/', '\0'), b.replaceAll('/', '\0')];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A tar stream of the items in the order given; bodies are streamed one at a time. */
export function packTar(items: TarItem[]): Readable {
  const pack = tar.pack();
  addAll(pack, items).then(() => pack.finalize(), (error: Error) => pack.destroy(error));
  // tar-stream's streams are streamx ones; Node's pipeline wants a Node stream
  return Readable.from(pack);
}

export async function tarBuffer(items: TarItem[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of packTar(items)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export function writeTarFile(file: string, items: TarItem[]): Promise<{ digest: string; size: number }> {
  return writeHashed(packTar(items), file);
}

async function addAll(pack: tar.Pack, items: TarItem[]): Promise<void> {
  for (const item of items) await addItem(pack, item);
}

async function addItem(pack: tar.Pack, item: TarItem): Promise<void> {
  let finish!: (error?: Error | null) => void;
  const done = new Promise<void>((resolve, reject) => (finish = (error) => (error ? reject(error) : resolve())));
  if (!item.body) {
    pack.entry(header(item), EMPTY, finish);
    return done;
  }
  const sink = pack.entry(header(item), finish);
  for await (const chunk of item.body.open()) {
    if (!sink.write(chunk)) await once(sink, 'drain');
  }
  sink.end(null); // streamx's end takes an optional last chunk
  await done;
}

function header(item: TarItem): Partial<Header> & { name: string } {
  return {
    name: item.name,
    type: item.type,
    mode: item.mode ?? DEFAULT_MODE[item.type],
    uid: item.uid ?? 0,
    gid: item.gid ?? 0,
    size: item.body?.size ?? 0,
    mtime: new Date(FIXED_EPOCH * 1000),
    linkname: item.linkname ?? '',
    ...(item.pax ? { pax: item.pax } : {}),
  };
}
