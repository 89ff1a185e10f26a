// `npm run bench`: wharf beside real Docker on the same machine and inputs, as ratios (see the targets).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildBigImage } from '../test/helpers/big-image.ts';
import { writeClassicArchive } from '../test/helpers/image-archives.ts';
import { startDockerd } from '../test/helpers/peers.ts';
import { buildRows } from './build.ts';
import { containerRows } from './containers.ts';
import { measure, measureInterleaved, type Measurement } from './measure.ts';
import { benchRegistryServer, printRegistryRows } from './registry-server.ts';
import { registryClientRows } from './registry-client.ts';
import { seedImages } from './seed-images.ts';

const repo = path.resolve(import.meta.dirname, '..');
const work = path.join(repo, '.bench');
const node = path.join(repo, 'node_modules/node/bin/node');
const wharf = path.join(repo, 'bin/wharf');
const cleanups: Array<() => unknown> = [];
const fakeTest = { skip: (reason?: string) => { throw new Error(`bench needs ${reason}`); }, after: (fn: () => unknown) => void cleanups.push(fn) };

interface Row { name: string; wharf: Measurement; peer: Measurement; peerName: string; target: string }
const rows: Row[] = [];

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const archive = await bigArchive();
  const dockerd = await startDockerd(fakeTest);
  if (!dockerd) throw new Error('dockerd is required for the benchmark');
  const dockerEnv = { DOCKER_HOST: dockerd.host };
  const root = path.join(work, 'root');
  const wharfEnv = { WHARF_ROOT: root };
  // Each timed run starts with the disk settled: otherwise one run pays for the writeback of the one before.
  const settle = () => spawnSync('sync');
  const resetWharf = () => (rmSync(root, { recursive: true, force: true }), settle());
  const resetDocker = () => (spawnQuiet('docker', ['rmi', '-f', 'bench/big:latest'], dockerEnv), settle());

  rows.push({ name: 'load 1 GB, 5 layers', peerName: 'docker load', target: '≤ 0.2',
    wharf: measure([wharf, 'load', '-q', '-i', archive], { env: wharfEnv, before: resetWharf, runs: 3 }),
    peer: measure(['docker', 'load', '-q', '-i', archive], { env: dockerEnv, before: resetDocker, runs: 3 }) });
  const out = path.join(work, 'out.tar');
  // Both write a temp file and rename it over the output, and renaming over a 1 GB file frees it first (~0.4 s here):
  // each run starts without one, so neither is timed deleting the run before's.
  const freshOut = () => (rmSync(out, { force: true }), settle());
  rows.push({ name: 'save 1 GB, 5 layers', peerName: 'docker save', target: '≤ 0.2',
    wharf: measure([wharf, 'save', '-o', out, 'bench/big:latest'], { env: wharfEnv, before: freshOut, runs: 3 }),
    peer: measure(['docker', 'save', '-o', out, 'bench/big:latest'], { env: dockerEnv, before: freshOut, runs: 3 }) });
  rmSync(out, { force: true });

  resetWharf();
  await seedImages(root, 1000);
  const [nodeStart, images, version, dockerImages] = measureInterleaved([
    { command: [node, '-e', '0'] },
    { command: [wharf, 'images'], env: wharfEnv },
    { command: [wharf, 'version'], env: wharfEnv },
    { command: ['docker', 'images'], env: dockerEnv },
  ], 31);
  rows.push({ name: 'images, 1000 images', peerName: 'node -e 0', target: '≤ 1.5', wharf: images, peer: nodeStart });
  rows.push({ name: 'version', peerName: 'node -e 0', target: '≤ 1.2', wharf: version, peer: nodeStart });
  rows.push({ name: 'images, 1000 images', peerName: 'docker images', target: '≤ 3', wharf: images, peer: dockerImages });
  rows.push(...(await registryClientRows({ peers: fakeTest, wharf, work, archive, dockerEnv, settle })));
  rows.push(...(await containerRows({ peers: fakeTest, wharf, work, dockerEnv })));
  rows.push(...(await buildRows({ wharf, work, dockerEnv, settle })));
  print();
  printRegistryRows(await benchRegistryServer(fakeTest));
}

async function bigArchive(): Promise<string> {
  const archive = path.join(work, 'big.tar');
  if (existsSync(archive)) return archive;
  const image = await buildBigImage({ totalBytes: 1 << 30, layers: 5, dir: path.join(work, 'layers') });
  await writeClassicArchive(archive, [{ image, repoTags: ['bench/big:latest'] }]);
  rmSync(image.dir, { recursive: true, force: true });
  return archive;
}

function spawnQuiet(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  spawnSync(command, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
}

function print(): void {
  const line = (cells: string[]) => console.log(cells.map((cell, i) => cell.padEnd([24, 12, 10, 16, 12, 10, 8][i] ?? 10)).join(' '));
  line(['benchmark', 'wharf', 'wharf RSS', 'peer', 'peer time', 'ratio', 'target']);
  for (const row of rows) {
    line([row.name, `${row.wharf.seconds.toFixed(3)}s`, `${row.wharf.peakRssMb.toFixed(0)}MB`, row.peerName, `${row.peer.seconds.toFixed(3)}s`, (row.wharf.seconds / row.peer.seconds).toFixed(2), row.target]);
  }
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
