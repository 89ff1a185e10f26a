// Random IDs and picks from the kernel's generator (/dev/urandom), for commands that would otherwise load node:crypto for them alone (~10 ms of a `run`).
import { closeSync, openSync, readSync } from 'node:fs';

function randomBytesOf(count: number): Buffer {
  const bytes = Buffer.alloc(count);
  const fd = openSync('/dev/urandom', 'r');
  try {
    for (let filled = 0; filled < count; ) filled += readSync(fd, bytes, filled, count - filled, null);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** `bytes` random bytes as hex: a container ID is 32 of them, as Docker's. */
export function randomHex(bytes: number): string {
  return randomBytesOf(bytes).toString('hex');
}

/** A uniform integer in [0, below): 32-bit draws past the last whole multiple of `below` are drawn again, so no value is favoured. */
export function randomIndex(below: number): number {
  const limit = 2 ** 32 - (2 ** 32 % below);
  for (;;) {
    const draw = randomBytesOf(4).readUInt32LE(0);
    if (draw < limit) return draw % below;
  }
}
