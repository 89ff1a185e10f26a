// `start`: network, the container's monitor (detached; it mounts the root), then mounts and the runtime spec, and the monitor runs it; wharf may exit as soon as the monitor has its go.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { SystemError, WharfError } from '../../errors.ts';
import { containerPaths, type MountSpec } from '../../snapshots/snapshotter.ts';
import type { Store } from '../../store/store.ts';
import { attachNetwork, type NetworkAttachment, type NetworkRequest, parsePublish } from '../network/attach.ts';
import { userBridge, userNetwork } from '../network/networks.ts';
import { logFileName, type MonitorPlan, parseLogSize, PLAN_FILE } from '../monitor/monitor-plan.ts';
import { builtFile } from '../built-file.ts';
import { detectRuntime } from '../runtime-detect.ts';
import { DEFAULT_PATH } from '../spec/defaults.ts';
import { buildSpec } from '../spec/oci-spec.ts';
import { resolveUser } from '../spec/user.ts';
import { resolveMounts } from '../volumes/mounts.ts';
import { containerDir, type ContainerRecord, getContainer, isMonitorAlive, RUN_STATE, updateContainer } from './container-store.ts';
import { healthcheckFlags, monitorHealthcheck } from './healthcheck.ts';
import { removeContainer, waitForExit } from './lifecycle.ts';
import { releaseRun } from './release.ts';
import { rootfsMountSpec } from './rootfs.ts';
import { networksOf } from './container-networks.ts';
import { isRunning } from './signal.ts';

export interface StartOptions {
  /** The monitor waits for a client on its attach socket before running the container. */
  waitForAttach: boolean;
  consoleSize?: { height: number; width: number };
}

export async function startContainer(store: Store, record: ContainerRecord, options: StartOptions): Promise<void> {
  if (isMonitorAlive(record)) {
    if (!finishing(record)) return;
    // the runtime's record of the last run goes last: the new run, under the same ID, waits for that
    await waitForExit(store, record.id);
  }
  try {
    await runOnce(store, record, options);
  } catch (error) {
    // as dockerd: an --rm container whose start fails (a network that does not exist, say) goes, not left behind
    if (record.settings.hostConfig.AutoRemove) await removeContainer(store, getContainer(store, record.id) ?? record, { force: true, removeVolumes: true });
    throw error;
  }
}

async function runOnce(store: Store, record: ContainerRecord, options: StartOptions): Promise<void> {
  const dir = containerDir(store, record.id);
  const { plan, network } = await prepareRun(store, record, options);
  try {
    // the monitor mounts the root: the runtime spec, written after, reads the image's users and fills volumes through it
    const monitor = await startMonitor(dir, plan);
    try {
      await writeRuntimeSpec(store, record, network, options);
    } catch (error) {
      await monitor.abort();
      throw error;
    }
    monitor.go();
  } catch (error) {
    await releaseRun(store, record.id);
    throw error;
  }
}

/** A monitor whose run has ended (or failed to start) is finishing: its clients have heard, the runtime's record goes. */
function finishing(record: ContainerRecord): boolean {
  return !isRunning(record) && (record.state === 'exited' || record.error !== null);
}

/** The network and the monitor's plan (also kept in the container directory, for later commands). */
async function prepareRun(store: Store, record: ContainerRecord, options: StartOptions): Promise<{ plan: MonitorPlan; network: NetworkAttachment }> {
  const dir = containerDir(store, record.id);
  const { config, hostConfig } = record.settings;
  const runtime = detectRuntime({ flag: hostConfig.Runtime === 'runc' ? undefined : hostConfig.Runtime, root: store.root });
  await releaseRun(store, record.id);
  try {
    const network = await attachNetwork(store, dir, {
      containerId: record.id,
      ...networkMode(store, record.settings),
      hostname: config.Hostname,
      publish: hostConfig.PublishFlags.flatMap(parsePublish),
      publishAll: hostConfig.PublishAllPorts,
      exposedPorts: Object.keys(config.ExposedPorts ?? {}),
      name: record.name,
    });
    store.db.transaction(() => updateContainer(store, record.id, { network }), RUN_STATE);
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
      consoleSize: hostConfig.ConsoleSize,
      healthcheck: monitorHealthcheck(config.Healthcheck),
    };
    writeFileSync(join(dir, PLAN_FILE), JSON.stringify(plan));
    return { plan, network };
  } catch (error) {
    await releaseRun(store, record.id);
    throw error;
  }
}

/** Mounts, user and the OCI runtime spec (config.json), on the root the monitor has mounted. */
async function writeRuntimeSpec(store: Store, record: ContainerRecord, network: NetworkAttachment, options: StartOptions): Promise<void> {
  const dir = containerDir(store, record.id);
  const { config, hostConfig } = record.settings;
  const { rootfs } = containerPaths(dir);
  const imageVolumes = Object.keys(config.Volumes ?? {});
  const mounts = await resolveMounts(store, record.id, { volumes: hostConfig.Binds ?? [], mounts: hostConfig.MountFlags, tmpfs: hostConfig.TmpfsFlags, imageVolumes, rootfs });
  const user = resolveUser(rootfs, config.User);
  const env = processEnv(record, user.home);
  const spec = buildSpec({ containerId: record.id, settings: record.settings, rootfs, user, env, netnsPath: network.netnsPath, ownNetns: network.ownNetns, etcFiles: network.etcFiles, mounts, initBinary: hostConfig.Init ? initBinary() : undefined, consoleSize: options.consoleSize ?? { height: 24, width: 80 } });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(spec));
  store.db.transaction(() => updateContainer(store, record.id, { stopRequested: false, error: null }), RUN_STATE);
}

function networkMode(store: Store, settings: ContainerRecord['settings']): Pick<NetworkRequest, 'mode' | 'userNetwork' | 'extraNetworks'> {
  const [primary, ...extra] = networksOf(settings);
  if (primary.name === 'host' || primary.name === 'none') return { mode: primary.name };
  return {
    mode: 'bridge',
    ...(primary.name === 'bridge' ? {} : { userNetwork: bridgeNetwork(store, primary.name) }),
    extraNetworks: extra.map((network) => (network.name === 'bridge' ? 'bridge' : bridgeNetwork(store, network.name))),
  };
}

function bridgeNetwork(store: Store, name: string): ReturnType<typeof userBridge> {
  const network = userNetwork(store, name);
  if (!network) throw new WharfError(`network ${name} not found`, { exitCode: 125 });
  return userBridge(network);
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

/** Node flags that keep the exit helper small and quick: a tiny young generation, no GC helper threads. */
const HELPER_NODE_FLAGS = ['--max-semi-space-size=1', '--v8-pool-size=0', '--single-threaded-gc'];

/** The native monitor's command line: the plan as flags, then the exit helper's command after `--`. */
function monitorArgs(plan: MonitorPlan, mount: MountSpec | undefined): string[] {
  const flag = (name: string, on: boolean) => (on ? [`--${name}`] : []);
  return [
    // an --rm container's changes go with it: its overlay needs no sync when it is unmounted
    ...(mount ? ['--overlay-cwd', mount.cwd, '--overlay-options', mount.options, ...flag('overlay-volatile', plan.autoRemove)] : []),
    '--id', plan.containerId, '--runtime', plan.runtimePath, '--state-root', plan.stateRoot, '--db', join(plan.root, 'metadata.db'),
    '--log-file', logFileName(plan.containerId), '--log-max-size', String(plan.log.maxSize), '--log-max-files', String(plan.log.maxFiles),
    '--restart', plan.restartPolicy.Name || 'no', '--max-retries', String(plan.restartPolicy.MaximumRetryCount ?? 0),
    ...(plan.tty && plan.consoleSize?.[0] && plan.consoleSize[1] ? ['--console-size', plan.consoleSize.join('x')] : []),
    ...healthcheckFlags(plan.healthcheck),
    ...flag('tty', plan.tty), ...flag('open-stdin', plan.openStdin), ...flag('stdin-once', plan.stdinOnce), ...flag('wait-attach', plan.waitForAttach), ...flag('auto-remove', plan.autoRemove),
    '--', process.execPath, ...HELPER_NODE_FLAGS, builtFile('monitor-exit.js'),
  ];
}

interface StartedMonitor {
  /** The runtime spec is written: the monitor may run the container. */
  go(): void;
  /** Nothing is to run: the monitor unmounts the root and exits; resolves once it has. */
  abort(): Promise<void>;
}

/**
 * Starts the monitor, detached, in the container directory; resolves once it has mounted the root and its attach
 * socket listens. It then waits for go() (or abort()) on its fd 3 before it runs anything.
 */
async function startMonitor(dir: string, plan: MonitorPlan): Promise<StartedMonitor> {
  const monitor = builtFile('wharf-monitor');
  if (!existsSync(monitor)) throw new WharfError(`the container monitor ${monitor} is missing: build it with npm run build (it needs cc and libsqlite3-dev)`);
  const errors = openSync(join(dir, 'monitor.log'), 'a', 0o640);
  const child = spawn(monitor, monitorArgs(plan, rootfsMountSpec(dir)), { detached: true, stdio: ['ignore', errors, errors, 'pipe'], cwd: dir });
  closeSync(errors);
  const cli = child.stdio[3] as Socket;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let said = '';
      cli.on('data', (chunk: Buffer) => (said += chunk.toString()).includes('ready\n') && resolve());
      // the monitor's fd 3 closes when it exits: after its error line, if it had one to give
      cli.on('close', () => {
        const error = /^error (.*)$/m.exec(said)?.[1];
        reject(error ? new SystemError(error) : new WharfError(`the container monitor exited before it was ready: see ${join(dir, 'monitor.log')}`));
      });
      child.once('error', reject);
    });
  } catch (error) {
    cli.destroy();
    throw error;
  }
  cli.removeAllListeners('close');
  return {
    go: () => {
      cli.end('go\n');
      child.unref();
    },
    abort: async () => {
      cli.destroy();
      await exited;
    },
  };
}
