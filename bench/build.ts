// Build rows of `npm run bench` (also runs alone: `node bench/build.ts`): a fully cached 10-step rebuild and a cold build copying ~1 GB, beside Docker's classic builder.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { busyboxFixture, writeClassicArchive } from '../test/helpers/image-builder.ts';
import { benchAlone } from './alone.ts';
import { measure } from './measure.ts';
import type { BenchRow } from './registry-client.ts';

export interface BuildBenchOptions {
  wharf: string;
  /** A scratch directory of the bench (`.bench/`). */
  work: string;
  dockerEnv: NodeJS.ProcessEnv;
  /** Flushes the disk, so a timed run does not pay for the writeback of the one before. */
  settle: () => void;
}

/** FROM and nine steps: config-only ones, two COPYs and a RUN, as a small app's Dockerfile has. */
const CACHED_DOCKERFILE = `FROM busybox
ENV APP=/app MODE=bench
LABEL bench=cached
WORKDIR /app
COPY a.txt b.txt ./
COPY conf /app/conf/
RUN echo built > /built
EXPOSE 8080
USER nobody
CMD ["sh", "-c", "cat /built"]
`;

/** Each COPY a quarter of the ~1 GB context; the RUN then works in a container over all four layers. */
const COLD_DOCKERFILE = `FROM busybox
COPY d0 /data/d0/
COPY d1 /data/d1/
COPY d2 /data/d2/
COPY d3 /data/d3/
RUN du -s /data > /data-size
`;

const COLD_DIRS = 4;
const COLD_SUBDIRS = 4;
const COLD_FILES = 16;
const COLD_FILE_BYTES = 4 << 20;

/**
 * Both sides build with `--network none` (the bench's dockerd has no bridge), Docker with its classic builder, whose
 * model (an image per step, cached by parent and step config) wharf's builder follows.
 */
export async function buildRows(options: BuildBenchOptions): Promise<BenchRow[]> {
  const { wharf, work, settle } = options;
  const dockerEnv = { ...options.dockerEnv, DOCKER_BUILDKIT: '0' };
  const root = path.join(work, 'root-build');
  const wharfEnv = { WHARF_ROOT: root };
  const archive = path.join(work, 'busybox.tar');
  await writeClassicArchive(archive, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  const freshWharf = () => (rmSync(root, { recursive: true, force: true }), run([wharf, 'load', '-q', '-i', archive], wharfEnv));
  freshWharf();
  run(['docker', 'load', '-q', '-i', archive], dockerEnv);

  const cached = cachedContext(work);
  const build = (cli: string, extra: string[], context: string) => [cli, 'build', '--network', 'none', ...extra, context];
  run(build(wharf, ['-t', 'bench/cached'], cached), wharfEnv);
  run(build('docker', ['-t', 'bench/cached'], cached), dockerEnv);
  const cachedRow: BenchRow = {
    name: 'cached rebuild, 10 steps', peerName: 'docker build', target: '≤ 0.3',
    wharf: measure(build(wharf, ['-t', 'bench/cached'], cached), { env: wharfEnv, runs: 7 }),
    peer: measure(build('docker', ['-t', 'bench/cached'], cached), { env: dockerEnv, runs: 7 }),
  };

  // Cold on both sides: wharf on a fresh data root, Docker with the last build's images (and so its layers) removed.
  const cold = await coldContext(work);
  const removeDockerCold = () => (quiet(['docker', 'rmi', '-f', 'bench/cold'], dockerEnv), quiet(['docker', 'image', 'prune', '-f'], dockerEnv));
  const coldRow: BenchRow = {
    name: 'cold build, COPY ~1 GB', peerName: 'docker build', target: '≤ 0.5',
    wharf: measure(build(wharf, ['--no-cache', '-t', 'bench/cold'], cold), { env: wharfEnv, before: () => (freshWharf(), settle()), runs: 3 }),
    peer: measure(build('docker', ['--no-cache', '-t', 'bench/cold'], cold), { env: dockerEnv, before: () => (removeDockerCold(), settle()), runs: 3 }),
  };
  console.log(`cold build, COPY ~1 GB: wharf peak RSS ${coldRow.wharf.peakRssMb.toFixed(0)} MB (target ≤ 250 MB)`);
  rmSync(root, { recursive: true, force: true });
  removeDockerCold();
  quiet(['docker', 'rmi', '-f', 'bench/cached'], dockerEnv);
  quiet(['docker', 'image', 'prune', '-f'], dockerEnv);
  return [cachedRow, coldRow];
}

/** A few small files beside the Dockerfile; rewritten each time, since only the rebuild after the first build is timed. */
function cachedContext(work: string): string {
  const dir = path.join(work, 'build-cached');
  mkdirSync(path.join(dir, 'conf'), { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), CACHED_DOCKERFILE);
  writeFileSync(path.join(dir, 'a.txt'), 'a\n');
  writeFileSync(path.join(dir, 'b.txt'), 'b\n');
  for (const name of ['app.conf', 'log.conf', 'users.conf']) writeFileSync(path.join(dir, 'conf', name), `# ${name}\nkey=value\n`);
  return dir;
}

/** 256 files of 4 MiB of random bytes (1 GiB) in 4 × 4 directories, written once and kept in `.bench/` (a marker says they are whole). */
async function coldContext(work: string): Promise<string> {
  const dir = path.join(work, 'build-cold');
  const complete = path.join(dir, '.complete');
  if (existsSync(complete)) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (let top = 0; top < COLD_DIRS; top++) {
    for (let sub = 0; sub < COLD_SUBDIRS; sub++) {
      const subdir = path.join(dir, `d${top}`, `s${sub}`);
      mkdirSync(subdir, { recursive: true });
      for (let file = 0; file < COLD_FILES; file++) writeFileSync(path.join(subdir, `f${file}.bin`), randomBytes(COLD_FILE_BYTES));
    }
  }
  // the marker stays out of the context the builds send and copy
  writeFileSync(path.join(dir, '.dockerignore'), '.complete\n');
  writeFileSync(path.join(dir, 'Dockerfile'), COLD_DOCKERFILE);
  spawnSync('sync');
  writeFileSync(complete, '');
  return dir;
}

function run(command: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command[0], command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed (${result.status}): ${result.stderr}`);
}

function quiet(command: string[], env: NodeJS.ProcessEnv): void {
  spawnSync(command[0], command.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore' });
}

if (import.meta.main) await benchAlone((context) => buildRows({ ...context, settle: () => spawnSync('sync') }));
