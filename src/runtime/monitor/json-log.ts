// Docker's json-file log driver: one JSON object per line of output, rotated by max-size and max-file.
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

export interface JsonLogOptions {
  file: string;
  /** Bytes; 0 means unlimited (Docker's default). */
  maxSize: number;
  /** How many files in all, the live one included (Docker's max-file, default 1). */
  maxFiles: number;
}

/** Docker splits a line longer than this into several entries. */
const MAX_LINE = 16 * 1024;

export class JsonLogWriter {
  private fd: number;
  private size: number;
  private readonly partial = { stdout: '', stderr: '' };

  private readonly options: JsonLogOptions;

  constructor(options: JsonLogOptions) {
    this.options = options;
    this.fd = openSync(options.file, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    let text = this.partial[stream] + chunk.toString('utf8');
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      this.entry(stream, text.slice(0, newline + 1));
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
    while (text.length >= MAX_LINE) {
      this.entry(stream, text.slice(0, MAX_LINE));
      text = text.slice(MAX_LINE);
    }
    this.partial[stream] = text;
  }

  /** What is left of an unfinished line goes out as its own entry, as Docker does at the end of a stream. */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.entry(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private entry(stream: 'stdout' | 'stderr', log: string): void {
    const line = Buffer.from(`${JSON.stringify({ log, stream, time: nanoTimestamp() })}\n`);
    if (this.options.maxSize > 0 && this.size + line.length > this.options.maxSize && this.size > 0) this.rotate();
    writeSync(this.fd, line);
    this.size += line.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    const { file, maxFiles } = this.options;
    if (maxFiles > 1) {
      rmSync(`${file}.${maxFiles - 1}`, { force: true });
      for (let index = maxFiles - 2; index >= 1; index--) if (existsSync(`${file}.${index}`)) renameSync(`${file}.${index}`, `${file}.${index + 1}`);
      renameSync(file, `${file}.1`);
    }
    this.fd = openSync(file, 'w', 0o640);
    this.size = 0;
  }
}

const started = { wall: BigInt(Date.now()) * 1_000_000n, mono: process.hrtime.bigint() };

/** RFC 3339 with nanoseconds in UTC, as Go's time.RFC3339Nano writes it in Docker's logs. */
export function nanoTimestamp(): string {
  const nanos = started.wall + (process.hrtime.bigint() - started.mono);
  const iso = new Date(Number(nanos / 1_000_000n)).toISOString().slice(0, 19);
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${iso}${fraction ? `.${fraction}` : ''}Z`;
}

/** A size as Docker's log-opt max-size takes it: `10m`, `1g`, `500k`, bytes. */
export function parseLogSize(text: string | undefined): number {
  if (!text) return 0;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(text.trim());
  if (!match) throw new Error(`invalid log-opt max-size: ${text}`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(match[1]) * unit);
}
