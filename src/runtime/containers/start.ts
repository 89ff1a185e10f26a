// `start`: network, mounts and the runtime spec for a container, then its monitor, detached, which runs it; wharf may exit as soon as the monitor listens.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { attachNetwork, parsePublish } from '../network/attach.ts';
import { type MonitorPlan, PLAN_FILE } from '../monitor/monitor-plan.ts';
import { parseLogSize } from '../monitor/json-log.ts';
import { detectRuntime } from '../runtime-detect.ts';
import { DEFAULT_PATH } from '../spec/defaults.ts';
import { buildSpec } from '../spec/oci-spec.ts';
import { resolveUser } from '../spec/user.ts';
import { resolveMounts } from '../volumes/mounts.ts';
import { containerDir, type ContainerRecord, isMonitorAlive, updateContainer } from './container-store.ts';
import { releaseRun } from './release.ts';
import { mountContainerRootfs } from './rootfs.ts';

export interface StartOptions {
  /** The monitor waits for a client on its attach socket before running the container. */
  waitForAttach: boolean;
  consoleSize?: { height: number; width: number };
}

export async function startContainer(store: Store, record: ContainerRecord, options: StartOptions): Promise<void> {
  if (isMonitorAlive(record)) return;
  // the monitor's Node starts up (tens of ms) while the run is prepared; it waits for its plan
  const monitor = spawnMonitor(containerDir(store, record.id));
  try {
    await monitor.begin(await prepareRun(store, record, options));
  } catch (error) {
    monitor.abandon();
    throw error;
  }
}

/** Network, mounts, the runtime spec and the monitor's plan (also kept in the container directory, for later commands). */
async function prepareRun(store: Store, record: ContainerRecord, options: StartOptions): Promise<MonitorPlan> {
  const dir = containerDir(store, record.id);
  const { config, hostConfig } = record.settings;
  const runtime = detectRuntime({ flag: hostConfig.Runtime === 'runc' ? undefined : hostConfig.Runtime, root: store.root });
  await releaseRun(store, record.id);
  try {
    const mode = networkMode(hostConfig.NetworkMode);
    // independent, each mostly waiting for a program (mount, ip): together they take the time of the longer
    const [rootfs, network] = await bothSettled(mountContainerRootfs(dir), attachNetwork(store, dir, {
      containerId: record.id,
      mode,
      hostname: config.Hostname,
      publish: hostConfig.PublishFlags.flatMap(parsePublish),
      publishAll: hostConfig.PublishAllPorts,
      exposedPorts: Object.keys(config.ExposedPorts ?? {}),
      name: record.name,
    }));
    store.db.transaction(() => updateContainer(store, record.id, { network }));
    const imageVolumes = Object.keys(config.Volumes ?? {});
    const mounts = await resolveMounts(store, record.id, { volumes: hostConfig.Binds ?? [], mounts: hostConfig.MountFlags, tmpfs: hostConfig.TmpfsFlags, imageVolumes, rootfs });
    const user = resolveUser(rootfs, config.User);
    const env = processEnv(record, user.home);
    const spec = buildSpec({ containerId: record.id, settings: record.settings, rootfs, user, env, netnsPath: network.netnsPath, etcFiles: network.etcFiles, mounts, initBinary: hostConfig.Init ? initBinary() : undefined, consoleSize: options.consoleSize ?? { height: 24, width: 80 } });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(spec));
    const plan: MonitorPlan = {
      containerId: record.id,
      root: store.root,
      runtimePath: runtime.path,
      stateRoot: join(store.root, 'runtime', runtime.name),
      tty: config.Tty,
      openStdin: config.OpenStdin,
      stdinOnce: config.StdinOnce,
      waitForAttach: options.waitForAttach,
      restartPolicy: hostConfig.RestartPolicy,
      autoRemove: hostConfig.AutoRemove,
      log: { maxSize: parseLogSize(hostConfig.LogConfig.Config['max-size']), maxFiles: Number(hostConfig.LogConfig.Config['max-file'] ?? 1) },
    };
    writeFileSync(join(dir, PLAN_FILE), JSON.stringify(plan));
    store.db.transaction(() => updateContainer(store, record.id, { stopRequested: false, error: null }));
    return plan;
  } catch (error) {
    await releaseRun(store, record.id);
    throw error;
  }
}

/** Both results, once both have settled, so undoing after a failure never races the other half still at work. */
async function bothSettled<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

function networkMode(mode: string): 'bridge' | 'host' | 'none' {
  if (mode === 'bridge' || mode === 'default') return 'bridge';
  if (mode === 'host' || mode === 'none') return mode;
  throw new WharfError(`network ${mode} not found`, { exitCode: 125 });
}

/** Docker's order: PATH (when the image sets none), HOSTNAME, TERM for a terminal, then the container's own; HOME from the user's passwd entry. */
function processEnv(record: ContainerRecord, home: string): string[] {
  const { config } = record.settings;
  const has = (key: string) => config.Env.some((entry) => entry.startsWith(`${key}=`));
  return [
    ...(has('PATH') ? [] : [DEFAULT_PATH]),
    `HOSTNAME=${config.Hostname}`,
    ...(config.Tty && !has('TERM') ? ['TERM=xterm'] : []),
    ...config.Env,
    ...(has('HOME') ? [] : [`HOME=${home}`]),
  ];
}

function initBinary(): string {
  for (const candidate of ['/usr/bin/docker-init', '/usr/libexec/docker/docker-init', '/usr/bin/tini-static', '/usr/bin/tini']) if (existsSync(candidate)) return candidate;
  throw new WharfError('--init needs docker-init or tini on the host (apt-get install tini)', { exitCode: 125 });
}

/** The monitor's script: dist/monitor.js beside the bundle, or the source when wharf runs unbundled. */
function monitorScript(): string {
  const bundled = fileURLToPath(new URL('./monitor.js', import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL('../monitor/monitor.ts', import.meta.url));
}

/** Node flags that keep an idle monitor small: a tiny young generation, no GC helper threads. */
const MONITOR_NODE_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=32', '--v8-pool-size=0', '--single-threaded-gc'];

interface SpawnedMonitor {
  /** Hands the monitor its plan; resolves once its attach socket listens. */
  begin(plan: MonitorPlan): Promise<void>;
  /** Closes the monitor's stdin without a plan: it exits. */
  abandon(): void;
}

function spawnMonitor(dir: string): SpawnedMonitor {
  const errors = openSync(join(dir, 'monitor.log'), 'a', 0o640);
  const child = spawn(process.execPath, [...MONITOR_NODE_FLAGS, monitorScript(), dir], { detached: true, stdio: ['pipe', errors, errors, 'pipe'], cwd: dir });
  closeSync(errors);
  // a monitor gone early is reported by its exit
  child.stdin!.on('error', () => {});
  const ready = child.stdio[3] as NodeJS.ReadableStream;
  const listening = new Promise<void>((resolve, reject) => {
    let said = '';
    ready.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new WharfError(`the container monitor exited (${code}) before it was ready`)));
    child.on('error', reject);
  });
  // an abandoned monitor's exit is expected; a failed start's rejection is the caller's to see
  listening.catch(() => {});
  const letGo = () => {
    (ready as unknown as { destroy(): void }).destroy();
    child.removeAllListeners('exit');
    child.unref();
  };
  return {
    async begin(plan) {
      child.stdin!.end(JSON.stringify(plan));
      await listening;
      letGo();
    },
    abandon() {
      child.stdin!.destroy();
      letGo();
    },
  };
}
