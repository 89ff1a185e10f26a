// Registry server bench: wharf's `registry serve` beside CNCF distribution on the same content, as ratios.
// Manifest GETs/s and blob GET throughput with wrk, 20 concurrent pushes of distinct 100 MB blobs, peak server RSS.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pushImage } from '../test/helpers/registry-http.ts';
import { startDistribution } from '../test/helpers/peers.ts';
import { startWharfRegistry } from '../test/helpers/registry-server.ts';

interface Target {
  name: string;
  url: string;
  pid: number;
}

interface Figures {
  manifestRps: number;
  blobMBps: number;
  pushSeconds: number;
  peakRssMb: number;
}

export interface RegistryBenchRow {
  name: string;
  wharf: string;
  peer: string;
  ratio: number;
  target: string;
}

type Context = { skip(reason?: string): void; after(fn: () => unknown): void };

const PUSHES = 20;
const PUSH_BYTES = 100 << 20;
const PUSH_ROUNDS = 3;
const BIG_BLOB_BYTES = 256 << 20;

export async function benchRegistryServer(context: Context): Promise<RegistryBenchRow[]> {
  const wharf = await startWharfRegistry(context);
  const distribution = await startDistribution(context);
  if (!distribution) throw new Error('docker-registry is required for the registry bench');
  const targets: Target[] = [
    { name: 'wharf', url: wharf.url, pid: wharf.pid() },
    { name: 'distribution', url: distribution.url, pid: distributionPid(distribution.port) },
  ];
  const big = patternBlob(BIG_BLOB_BYTES, 0xb16);
  const figures = new Map<string, Figures>();
  for (const target of targets) {
    const { manifest } = await pushImage(target.url, 'bench/app', 'v1');
    await pushStream(target.url, 'bench/big', big);
    const manifestRps = wrk(`${target.url}/v2/bench/app/manifests/v1`, { connections: 32, header: `Accept: ${manifest.mediaType}` }).requestsPerSecond;
    const blobMBps = wrk(`${target.url}/v2/bench/big/blobs/${big.digest}`, { connections: 4 }).bytesPerSecond / (1 << 20);
    figures.set(target.name, { manifestRps, blobMBps, pushSeconds: 0, peakRssMb: 0 });
  }
  const pushes = await pushRounds(targets);
  for (const target of targets) Object.assign(figures.get(target.name)!, { pushSeconds: pushes.get(target.name)!, peakRssMb: peakRssMb(target.pid) });
  const [ours, peer] = [figures.get('wharf') as Figures, figures.get('distribution') as Figures];
  return [
    { name: 'manifest GET req/s', wharf: ours.manifestRps.toFixed(0), peer: peer.manifestRps.toFixed(0), ratio: ours.manifestRps / peer.manifestRps, target: '≥ 2' },
    { name: 'blob GET MB/s', wharf: ours.blobMBps.toFixed(0), peer: peer.blobMBps.toFixed(0), ratio: ours.blobMBps / peer.blobMBps, target: '≥ 1' },
    { name: `${PUSHES}×100 MB pushes`, wharf: `${ours.pushSeconds.toFixed(2)}s`, peer: `${peer.pushSeconds.toFixed(2)}s`, ratio: ours.pushSeconds / peer.pushSeconds, target: '≤ 1' },
    { name: 'server peak RSS', wharf: `${ours.peakRssMb.toFixed(0)}MB`, peer: `${peer.peakRssMb.toFixed(0)}MB`, ratio: ours.peakRssMb / peer.peakRssMb, target: '< 150MB' },
  ];
}

export function printRegistryRows(rows: RegistryBenchRow[]): void {
  const line = (cells: string[]) => console.log(cells.map((cell, i) => cell.padEnd([24, 12, 14, 12, 10, 8][i] ?? 10)).join(' '));
  line(['registry benchmark', 'wharf', 'peer', 'peer figure', 'ratio', 'target']);
  for (const row of rows) line([row.name, row.wharf, 'distribution', row.peer, row.ratio.toFixed(2), row.target]);
}

interface PatternBlob {
  size: number;
  seed: number;
  digest: string;
}

const BLOCK = randomBytes(1 << 20);

/** A blob of `size` bytes made of a shared random block stamped with the seed and block number: distinct, cheap. */
function patternBlob(size: number, seed: number): PatternBlob {
  const hash = createHash('sha256');
  for (const chunk of patternChunks(size, seed)) hash.update(chunk);
  return { size, seed, digest: `sha256:${hash.digest('hex')}` };
}

function* patternChunks(size: number, seed: number): Generator<Buffer> {
  for (let offset = 0, n = 0; offset < size; offset += BLOCK.length, n++) {
    const chunk = Buffer.from(BLOCK.subarray(0, Math.min(BLOCK.length, size - offset)));
    chunk.writeUInt32BE(seed, 0);
    chunk.writeUInt32BE(n, 4);
    yield chunk;
  }
}

/** Docker's way: POST, one streamed PATCH, PUT ?digest=. */
async function pushStream(base: string, repo: string, blob: PatternBlob): Promise<void> {
  const started = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(started.headers.get('location') as string, base);
  const patched = await new Promise<string>((resolve, reject) => {
    const req = request(location, { method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.size } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 202 ? resolve(res.headers.location as string) : reject(new Error(`PATCH ${res.statusCode}`))));
    });
    req.on('error', reject);
    Readable.from(patternChunks(blob.size, blob.seed)).pipe(req);
  });
  const next = new URL(patched, base);
  next.searchParams.set('digest', blob.digest);
  const done = await fetch(next, { method: 'PUT' });
  if (done.status !== 201) throw new Error(`PUT ${done.status} ${await done.text()}`);
}

/**
 * The push phase, PUSH_ROUNDS times, the two servers taking turns (who goes first alternating): the median of each
 * server's rounds. One round apiece swung 0.5-1.3 on this shared VM, as the disk's and the other tenants' moods went.
 */
async function pushRounds(targets: Target[]): Promise<Map<string, number>> {
  const seconds = new Map<string, number[]>(targets.map((target) => [target.name, []]));
  for (let round = 0; round < PUSH_ROUNDS; round++) {
    // distinct blobs every round, so no server is handed bytes it already holds; digests made before the clock starts
    const blobs = Array.from({ length: PUSHES }, (_, i) => patternBlob(PUSH_BYTES, round * PUSHES + i));
    for (const target of round % 2 ? [...targets].reverse() : targets) {
      // distribution leaves its writes in the page cache: flushed first, or the next round would write them back
      spawnSync('sync');
      const started = process.hrtime.bigint();
      await pushMany(target.url, blobs, `r${round}`);
      seconds.get(target.name)!.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
  return new Map([...seconds].map(([name, times]) => [name, times.sort((a, b) => a - b)[Math.floor(times.length / 2)]]));
}

/** One round: every blob at once, each the way Docker pushes it. */
async function pushMany(base: string, blobs: PatternBlob[], round: string): Promise<void> {
  await Promise.all(blobs.map((blob, i) => pushStream(base, `bench/push-${round}-${i}`, blob)));
}

function wrk(url: string, options: { connections: number; header?: string }): { requestsPerSecond: number; bytesPerSecond: number } {
  const args = ['-t2', `-c${options.connections}`, '-d5s', ...(options.header ? ['-H', options.header] : []), url];
  const result = spawnSync('wrk', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr}`);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(result.stdout);
  const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(result.stdout);
  if (!rps || !transfer || /Non-2xx/.test(result.stdout)) throw new Error(`wrk: unexpected output:\n${result.stdout}`);
  const scale = { B: 1, KB: 1 << 10, MB: 1 << 20, GB: 1 << 30 }[transfer[2] as 'B'];
  return { requestsPerSecond: Number(rps[1]), bytesPerSecond: Number(transfer[1]) * scale };
}

/** The peak resident set of a process so far (VmHWM). */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

function distributionPid(port: number): number {
  const out = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' }).stdout;
  const match = /pid=(\d+)/.exec(out);
  if (!match) throw new Error(`no process listens on ${port}`);
  return Number(match[1]);
}


if (import.meta.main) {
  const cleanups: Array<() => unknown> = [];
  const context = { skip: (reason?: string) => { throw new Error(`bench needs ${reason}`); }, after: (fn: () => unknown) => void cleanups.push(fn) };
  try {
    printRegistryRows(await benchRegistryServer(context));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
