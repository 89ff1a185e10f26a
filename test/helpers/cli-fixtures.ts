// Shared pieces of the CLI end-to-end tests: archives in every format and compression, store snapshots,
// Docker's units and tables recomputed independently, and assertions on a command's result.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import tar from 'tar-stream';
import { busyboxEntries } from './busybox-rootfs.ts';
import { type ArchiveImage, writeClassicArchive, writeOciArchive, writeOciLayoutArchive } from './image-archives.ts';
import { runCommand, type RunResult } from './run-command.ts';
import type { Wharf } from './wharf-cli.ts';

export const WHARF_BIN = resolve(import.meta.dirname, '../../bin/wharf');

export type ArchiveFormat = 'classic' | 'oci' | 'layout';
export const ARCHIVE_FORMATS: ArchiveFormat[] = ['classic', 'oci', 'layout'];
export type Compressor = 'gzip' | 'xz' | 'bzip2' | 'zstd';
export const COMPRESSORS: Compressor[] = ['gzip', 'xz', 'bzip2', 'zstd'];
const EXTENSIONS: Record<Compressor, string> = { gzip: 'gz', xz: 'xz', bzip2: 'bz2', zstd: 'zst' };

/** `docker save` classic, Docker 25+ (OCI + manifest.json), or a plain OCI layout tarball. */
export async function writeArchive(path: string, format: ArchiveFormat, images: ArchiveImage[]): Promise<string> {
  const writers = { classic: writeClassicArchive, oci: writeOciArchive, layout: writeOciLayoutArchive };
  await writers[format](path, images);
  return path;
}

/** Compresses with the system tool, keeping the input; returns the new file's path. */
export async function compressFile(file: string, tool: Compressor): Promise<string> {
  const result = await runCommand(tool, ['-1', '-k', '-f', '-q', file]);
  assert.equal(result.code, 0, `${tool}: ${result.stderr}`);
  return `${file}.${EXTENSIONS[tool]}`;
}

/** Asserts exit 0 (showing stderr otherwise) and returns the result. */
export function ok(result: RunResult, what = 'command'): RunResult {
  assert.equal(result.code, 0, `${what} failed (${result.code}): ${result.stderr}`);
  return result;
}

/** Asserts the CLI failed as docker/cli does: exit 1, nothing on stdout, exactly one line on stderr (matched without its newline). */
export function failsWithOneLine(result: RunResult, pattern?: RegExp): string {
  assert.equal(result.code, 1, `expected exit 1, got ${result.code}; stdout: ${result.stdout}; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '', 'nothing on stdout');
  assert.match(result.stderr, /^[^\n]+\n$/, `one line on stderr, got: ${JSON.stringify(result.stderr)}`);
  const line = result.stderr.slice(0, -1);
  if (pattern) assert.match(line, pattern);
  return line;
}

export function lines(text: string): string[] {
  return text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
}

export function jsonLines(text: string): Array<Record<string, unknown>> {
  return lines(text).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The hex names of the blob files under <root>/blobs/sha256, sorted. */
export function blobFiles(root: string): string[] {
  const dir = join(root, 'blobs', 'sha256');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

export function ingestFiles(root: string): string[] {
  const dir = join(root, 'ingest');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

export function hex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export interface StoreState {
  images: string;
  blobs: string[];
  ingest: string[];
  check: string;
}

/** What a user can see of the store: the full image list, the blob files, and `system check`'s verdict. */
export async function storeState(wharf: Wharf): Promise<StoreState> {
  const images = ok(await wharf.run(['images', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}} {{.Size}}']), 'images');
  const check = await wharf.run(['system', 'check']);
  return { images: images.stdout, blobs: blobFiles(wharf.root), ingest: ingestFiles(wharf.root), check: `${check.code} ${check.stdout}` };
}

/** Loads archives into wharf, asserting success; returns stdout. */
export async function load(wharf: Wharf, archive: string): Promise<string> {
  return ok(await wharf.run(['load', '-i', archive]), `load ${archive}`).stdout;
}

/** Runs `wharf ARGS > file` so binary stdout reaches the file byte for byte. */
export function runToFile(wharf: Wharf, args: string[], file: string): Promise<RunResult> {
  return runCommand('sh', ['-c', 'exec "$0" "$@" > "$WHARF_TEST_OUT"', WHARF_BIN, ...args], {
    env: { ...process.env, WHARF_ROOT: wharf.root, WHARF_TEST_OUT: file },
  });
}

/** Docker's chain IDs, recomputed here rather than imported from the code under test. */
export function chainIdsOf(diffIds: string[]): string[] {
  const chains: string[] = [];
  for (const diffId of diffIds) {
    const below = chains.at(-1);
    chains.push(below ? `sha256:${createHash('sha256').update(`${below} ${diffId}`).digest('hex')}` : diffId);
  }
  return chains;
}

/** go-units HumanSizeWithPrecision: decimal units, `%.*g`. Docker uses precision 3 in tables and 4 for totals. */
export function goHumanSize(bytes: number, precision: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit++;
  }
  return `${Number(size.toPrecision(precision))}${units[unit]}`;
}

/** go-units HumanDuration plus " ago", as Docker's CREATED columns print it. */
export function goTimeAgo(created: Date, now = new Date()): string {
  const ms = now.getTime() - created.getTime();
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.round(ms / 3_600_000);
  let text: string;
  if (seconds < 1) text = 'Less than a second';
  else if (seconds === 1) text = '1 second';
  else if (seconds < 60) text = `${seconds} seconds`;
  else if (minutes === 1) text = 'About a minute';
  else if (minutes < 60) text = `${minutes} minutes`;
  else if (hours === 1) text = 'About an hour';
  else if (hours < 48) text = `${hours} hours`;
  else if (hours < 24 * 7 * 2) text = `${Math.floor(hours / 24)} days`;
  else if (hours < 24 * 30 * 2) text = `${Math.floor(hours / 24 / 7)} weeks`;
  else if (hours < 24 * 365 * 2) text = `${Math.floor(hours / 24 / 30)} months`;
  else text = `${Math.floor(Math.floor(ms / 3_600_000) / 24 / 365)} years`;
  return `${text} ago`;
}

/** Go's time.Time.String() in UTC, to the second, as `images` prints CreatedAt: `2023-11-14 22:13:20 +0000 UTC`. */
export function goTimeString(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** docker/cli's tabwriter (minwidth 10, padding 3): every cell but a line's last is padded. */
export function dockerTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, Array.from(cell).length + 3, 10)));
  }
  return rows.map((row) => row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] + cell.length - Array.from(cell).length) : cell)).join('')).join('\n') + '\n';
}

/** An ISO time `days` days (and an hour, so rounding never shifts it) before now, for stable CREATED columns. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000 - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Environment for commands whose output contains local times. */
export const UTC = { env: { TZ: 'UTC' } };

/** Every regular file of a (small) tar archive, by name, in archive order; a name found twice fails the test. */
export async function readTarFiles(file: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  createReadStream(file).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type !== 'file') continue;
    assert.ok(!files.has(entry.header.name), `${file} holds ${entry.header.name} twice`);
    files.set(entry.header.name, Buffer.concat(chunks));
  }
  return files;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The size Docker's overlay2 driver gives the busybox layer: file bytes plus symlink target lengths (1984229 here). */
export function busyboxLayerSize(): number {
  let size = 0;
  for (const entry of busyboxEntries()) {
    if (entry.type === 'file') size += Buffer.byteLength(entry.content ?? '');
    if (entry.type === 'symlink') size += Buffer.byteLength(entry.linkname ?? '');
  }
  return size;
}

/** The size Docker reports for `busyboxFixture(name)`: the busybox layer and the app layer (81 bytes for busybox:latest). */
export function busyboxFixtureSize(name = 'busybox:latest'): number {
  const app = Buffer.byteLength('#!/bin/sh\necho "hello from $(hostname)"\n') + Buffer.byteLength(`hello from the test image ${name}\n`);
  return busyboxLayerSize() + app;
}
