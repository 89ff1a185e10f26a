// Docker's multiplexed stream (attach, logs): each chunk behind a stream byte, three zeros and its big-endian length.

export type StdStream = 'stdout' | 'stderr';

export function framed(stream: StdStream, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream === 'stdout' ? 1 : 2;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
