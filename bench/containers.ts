// Container rows of `npm run bench` (also runs alone: `node bench/containers.ts`): run --rm, 50 detached containers at once, and each monitor's memory, beside real Docker.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { busyboxFixture, writeClassicArchive } from '../test/helpers/image-builder.ts';
import { benchAlone } from './alone.ts';
import { measure, type Measurement } from './measure.ts';
import type { BenchRow } from './registry-client.ts';

export interface ContainerBenchOptions {
  peers: Pick<TestContext, 'skip' | 'after'>;
  wharf: string;
  work: string;
  dockerEnv: NodeJS.ProcessEnv;
}

const DETACHED = 50;

/** Both sides run without a network (the bench's dockerd has no bridge), so the rows time the runtimes, not NAT setup. */
export async function containerRows(options: ContainerBenchOptions): Promise<BenchRow[]> {
  const { wharf, work, dockerEnv } = options;
  const root = path.join(work, 'root-containers');
  rmSync(root, { recursive: true, force: true });
  const wharfEnv = { WHARF_ROOT: root };
  const archive = path.join(work, 'busybox.tar');
  await writeClassicArchive(archive, [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  run([wharf, 'load', '-q', '-i', archive], wharfEnv);
  run(['docker', 'load', '-q', '-i', archive], dockerEnv);
  // the first run unpacks the layer snapshots (and Docker's its own layers at load): time the runs after it
  run([wharf, 'run', '--rm', '--network', 'none', 'busybox', 'true'], wharfEnv);
  run(['docker', 'run', '--rm', '--network', 'none', 'busybox', 'true'], dockerEnv);
  const rows: BenchRow[] = [{
    name: 'run --rm busybox true', peerName: 'docker run --rm', target: '≤ 0.3',
    wharf: measure([wharf, 'run', '--rm', '--network', 'none', 'busybox', 'true'], { env: wharfEnv, runs: 7 }),
    peer: measure(['docker', 'run', '--rm', '--network', 'none', 'busybox', 'true'], { env: dockerEnv, runs: 7 }),
  }];
  const wharfMany = await detachedAtOnce([wharf], wharfEnv);
  const dockerMany = await detachedAtOnce(['docker'], dockerEnv);
  rows.push({ name: `${DETACHED} run -d at once`, peerName: 'docker run -d', target: '≤ 2', wharf: wharfMany, peer: dockerMany });
  const monitors = monitorRssMb(root);
  console.log(`monitor RSS over ${monitors.length} running containers: median ${median(monitors).toFixed(1)} MB, max ${Math.max(...monitors).toFixed(1)} MB (target < 5 MB)`);
  removeAll([wharf], wharfEnv);
  removeAll(['docker'], dockerEnv);
  rmSync(root, { recursive: true, force: true });
  return rows;
}

/** Wall time from starting DETACHED `run -d` at once until every one has returned (each returns once its container runs). */
async function detachedAtOnce(cli: string[], env: NodeJS.ProcessEnv): Promise<Measurement> {
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: DETACHED }, (_, index) => new Promise<void>((resolve, reject) => {
    const child = spawn(cli[0], [...cli.slice(1), 'run', '-d', '--network', 'none', '--name', `bench-${index}`, 'busybox', 'sleep', '600'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cli[0]} run -d exited ${code}`))));
  })));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const running = spawnSync(cli[0], [...cli.slice(1), 'ps', '-q'], { env: { ...process.env, ...env }, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  if (running < DETACHED) throw new Error(`only ${running} of ${DETACHED} containers are running`);
  return { seconds, peakRssMb: 0 };
}

function monitorRssMb(root: string): number[] {
  const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
  const db = new DatabaseSync(path.join(root, 'metadata.db'), { readOnly: true });
  const pids = (db.prepare('SELECT monitor_pid FROM containers WHERE monitor_pid IS NOT NULL').all() as Array<{ monitor_pid: number }>).map((row) => row.monitor_pid);
  db.close();
  return pids.map((pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
}

function removeAll(cli: string[], env: NodeJS.ProcessEnv): void {
  const ids = spawnSync(cli[0], [...cli.slice(1), 'ps', '-aq'], { env: { ...process.env, ...env }, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ids.length) spawnSync(cli[0], [...cli.slice(1), 'rm', '-f', ...ids], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

function run(command: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command[0], command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed (${result.status}): ${result.stderr}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

if (import.meta.main) await benchAlone(containerRows);
