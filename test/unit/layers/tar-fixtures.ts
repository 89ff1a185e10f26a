// Small in-memory layer tars for the layer tests, in the order given (hostile orderings included).
import { Readable } from 'node:stream';
import tar from 'tar-stream';

export interface Entry {
  name: string;
  type?: tar.Header['type'];
  linkname?: string;
  body?: string | Buffer;
}

export async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { name, type = 'file', linkname, body } of entries) {
    const data = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    await new Promise<void>((resolve, reject) => {
      pack.entry({ name, type, linkname, size: data.length, mode: type === 'directory' ? 0o755 : 0o644 }, data, (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream of `data` in pieces of `size` bytes, so parsers meet chunk boundaries anywhere. */
export function chunked(data: Buffer, size = 1000): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) pieces.push(data.subarray(at, at + size));
  return Readable.from(pieces, { objectMode: false });
}

/** A ustar header block built by hand, for sizes and type flags tar-stream's packer will not write. */
export function rawHeader(name: string, size: number, typeflag = '0'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write(typeflag, 156);
  header.write('ustar\x0000', 257);
  header.write(' '.repeat(8), 148);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}
