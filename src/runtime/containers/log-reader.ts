// Reads a container's json-file log (Docker's format: one JSON line per chunk, its stream and time) as it grows.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';

export interface LogEntry {
  log: string;
  stream: 'stdout' | 'stderr';
  time: string;
}

/** Reads whole lines appended since the last call. */
export class LogReader {
  private offset = 0;
  private partial = '';
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  read(): LogEntry[] {
    if (!existsSync(this.file)) return [];
    const fd = openSync(this.file, 'r');
    const chunks: string[] = [];
    const buffer = Buffer.alloc(65536);
    try {
      for (;;) {
        const read = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (read === 0) break;
        this.offset += read;
        chunks.push(buffer.toString('utf8', 0, read));
      }
    } finally {
      closeSync(fd);
    }
    const lines = (this.partial + chunks.join('')).split('\n');
    this.partial = lines.pop() ?? '';
    return lines.filter(Boolean).map((line) => JSON.parse(line) as LogEntry);
  }
}
