// Registry client rows of `npm run bench` (alone: `node bench/registry-client.ts`): pull and push of the 1 GB image beside docker and skopeo, on local distribution registries.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { startDistribution, type Distribution } from '../test/helpers/peers.ts';
import { benchAlone } from './alone.ts';
import { measure, type Measurement } from './measure.ts';

export interface BenchRow {
  name: string;
  wharf: Measurement;
  peer: Measurement;
  peerName: string;
  target: string;
}

export interface RegistryBenchOptions {
  /** `bench/run.ts`'s test stand-in: peers register their stop there. */
  peers: Pick<TestContext, 'skip' | 'after'>;
  wharf: string;
  /** A scratch directory of the bench (`.bench/`). */
  work: string;
  /** The 1 GB, 5-layer classic archive, tagged `bench/big:latest`. */
  archive: string;
  dockerEnv: NodeJS.ProcessEnv;
  /** Flushes the disk, so a timed run does not pay for the writeback of the one before. */
  settle: () => void;
}

/**
 * Seeds registry A with skopeo (gzip layers, so every pull decompresses), then times pulls from A and pushes to a
 * fresh registry B, where no blob exists and nothing can be mounted.
 */
export async function registryClientRows(options: RegistryBenchOptions): Promise<BenchRow[]> {
  const { wharf, work, archive, dockerEnv, settle } = options;
  const source = await registry(options);
  const target = await registry(options);
  const image = `${source.host}/bench/big:latest`;
  run('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', '--dest-compress-format', 'gzip', `docker-archive:${archive}`, `docker://${image}`]);

  const pulledRoot = path.join(work, 'root-pulled');
  const loadedRoot = path.join(work, 'root-loaded');
  const layout = path.join(work, 'oci-layout');
  const pulledEnv = { WHARF_ROOT: pulledRoot };
  const loadedEnv = { WHARF_ROOT: loadedRoot };
  // Docker keeps layers by diff ID: the bench's earlier `docker load` of the same layers would make its pull a no-op.
  const resetDocker = () => (quiet('docker', ['rmi', '-f', image, 'bench/big:latest'], dockerEnv), settle());
  const resetWharf = () => (rmSync(pulledRoot, { recursive: true, force: true }), settle());

  // medians of three: a single pull of 1 GB varies by ±10% here
  const wharfPull = measure([wharf, 'pull', '-q', image], { env: pulledEnv, before: resetWharf, runs: 3 });
  const dockerPull = measure(['docker', 'pull', '-q', image], { env: dockerEnv, before: resetDocker, runs: 3 });
  const skopeoPull = measure(['skopeo', '--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${image}`, `oci:${layout}:latest`], {
    before: () => (rmSync(layout, { recursive: true, force: true }), settle()),
    runs: 3,
  });
  rmSync(layout, { recursive: true, force: true });
  // a first container needs the layers unpacked: Docker did that in its pull, wharf does it at create
  const wharfPullCreate = measure(['sh', '-c', `"$0" pull -q ${image} && "$0" create ${image} true`, wharf], { env: pulledEnv, before: resetWharf });
  const withoutContainers = () => (quiet('docker', ['container', 'prune', '-f'], dockerEnv), resetDocker());
  const dockerPullCreate = measure(['sh', '-c', `docker pull -q ${image} && docker create ${image} true`], { env: dockerEnv, before: withoutContainers });
  withoutContainers();
  const wharfPullAgain = measure([wharf, 'pull', '-q', image], { env: pulledEnv, before: settle, runs: 3 });

  // Pushes to B: docker compresses every layer again; wharf sends the pulled image's gzip blobs as they are, and
  // compresses a loaded image's plain layers once. Each goes to a repository of its own.
  // the pull-and-create reset left Docker without the image: the push starts from a pulled one, as wharf's does
  run('docker', ['pull', '-q', image], dockerEnv);
  run('docker', ['tag', image, `${target.host}/bench/docker:latest`], dockerEnv);
  const dockerPush = measure(['docker', 'push', '-q', `${target.host}/bench/docker:latest`], { env: dockerEnv, before: settle });
  run(wharf, ['tag', image, `${target.host}/bench/pulled:latest`], pulledEnv);
  const wharfPushPulled = measure([wharf, 'push', '-q', `${target.host}/bench/pulled:latest`], { env: pulledEnv, before: settle });
  // Three runs, each from a fresh load into a repository B does not have (its directory removed: distribution keeps no
  // cache in this configuration), so every run gzips and uploads every layer; a single run swung 0.33-0.49.
  const freshLoaded = () => {
    rmSync(loadedRoot, { recursive: true, force: true });
    run(wharf, ['load', '-q', '-i', archive], loadedEnv);
    run(wharf, ['tag', 'bench/big:latest', `${target.host}/bench/loaded:latest`], loadedEnv);
    rmSync(path.join(target.dir, 'data/docker/registry/v2/repositories/bench/loaded'), { recursive: true, force: true });
    settle();
  };
  const wharfPushLoaded = measure([wharf, 'push', '-q', `${target.host}/bench/loaded:latest`], { env: loadedEnv, before: freshLoaded, runs: 3 });
  rmSync(pulledRoot, { recursive: true, force: true });
  rmSync(loadedRoot, { recursive: true, force: true });
  quiet('docker', ['rmi', '-f', image, `${target.host}/bench/docker:latest`], dockerEnv);

  return [
    { name: 'pull 1 GB gzip, 5 layers', peerName: 'docker pull', target: '≤ 0.3', wharf: wharfPull, peer: dockerPull },
    { name: 'pull 1 GB gzip, 5 layers', peerName: 'skopeo copy', target: '≤ 1.5', wharf: wharfPull, peer: skopeoPull },
    { name: 'pull + first create', peerName: 'docker pull+create', target: '≤ 0.3', wharf: wharfPullCreate, peer: dockerPullCreate },
    { name: 'pull again (all stored)', peerName: 'docker pull', target: '≤ 0.05', wharf: wharfPullAgain, peer: dockerPull },
    { name: 'push pulled, new registry', peerName: 'docker push', target: '≤ 0.3', wharf: wharfPushPulled, peer: dockerPush },
    { name: 'push loaded (gzips)', peerName: 'docker push', target: '≤ 0.3', wharf: wharfPushLoaded, peer: dockerPush },
  ];
}

async function registry(options: RegistryBenchOptions): Promise<Distribution> {
  const started = await startDistribution(options.peers);
  if (!started) throw new Error('the registry bench needs docker-registry');
  return started;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
}

function quiet(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  spawnSync(command, args, { env: { ...process.env, ...env }, stdio: 'ignore' });
}

if (import.meta.main) {
  await benchAlone((context) => registryClientRows({ ...context, archive: path.join(context.work, 'big.tar'), settle: () => spawnSync('sync') }));
}
