// Peeks at the first bytes of a stream and puts them back, so the stream still starts at its beginning.
import type { Readable } from 'node:stream';

/** Resolves with at least `length` bytes, or fewer when the stream ends first (then they are not put back). */
export function readHead(stream: Readable, length: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (ended: boolean) => {
      stream.off('data', onData).off('end', onEnd).off('error', reject);
      const head = Buffer.concat(chunks);
      if (!ended) {
        stream.pause();
        stream.unshift(head);
      }
      resolve({ head, ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) finish(false);
    };
    const onEnd = () => finish(true);
    stream.on('data', onData).on('end', onEnd).on('error', reject);
    // An earlier peek may have paused the stream; a 'data' listener alone would not restart it.
    stream.resume();
  });
}
