// Fills a data root with many small distinct images, in-process, for the listing benchmark.
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { importImage } from '../src/images/import.ts';
import { closeStore, openStore } from '../src/store/store.ts';

export async function seedImages(root: string, count: number): Promise<void> {
  const store = await openStore(root);
  try {
    for (let i = 0; i < count; i++) {
      await importImage(store, await tinyLayer(`image ${i}\n`), { source: '-', tag: `bench/seed-${i}:latest`, changes: [`LABEL n=${i}`] });
    }
  } finally {
    closeStore(store);
  }
}

async function tinyLayer(content: string): Promise<Readable> {
  const pack = tar.pack();
  pack.entry({ name: 'hello.txt', mtime: new Date(0) }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}
