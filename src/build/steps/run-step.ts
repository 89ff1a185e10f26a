// RUN: the command in a container on the stage's image (its output streamed to the build's progress), its changes committed as the step's layer.
import { Writable } from 'node:stream';
import { WharfError } from '../../errors.ts';
import { createContainer, type CreateOptions } from '../../runtime/containers/create.ts';
import { containerDir, getContainer, type ContainerRecord } from '../../runtime/containers/container-store.ts';
import { removeContainer, waitForExit } from '../../runtime/containers/lifecycle.ts';
import { unmountContainerRootfs } from '../../runtime/containers/rootfs.ts';
import { adoptUpperDir } from '../../snapshots/adopt-upper.ts';
import { containerPaths } from '../../snapshots/snapshotter.ts';
import type { Digest } from '../../digest/digest.ts';
import { isRunning, signalContainer } from '../../runtime/containers/signal.ts';
import { startContainer } from '../../runtime/containers/start.ts';
import { attachUntilExit } from '../../runtime/monitor/attach-client.ts';
import { upperLayerTar } from '../../snapshots/overlay-upper.ts';
import { directorySize } from '../../runtime/containers/directory-size.ts';
import type { Store } from '../../store/store.ts';
import type { RunInstruction } from './run-command.ts';
import { commitStep } from '../commit-step.ts';
import { topChainId } from '../workspace.ts';
import { type StageState, runArgs } from '../stage-state.ts';
import { commandArgs } from './config-steps.ts';
import { runArgv, runCommand } from './run-command.ts';
import { type PreparedMounts, removeMountStubs } from './run-mounts.ts';

/** A RUN whose command exited non-zero; the classic builder's API passes the command's code on as the build's. */
export class CommandFailedError extends WharfError {
  readonly commandExitCode: number;

  constructor(message: string, commandExitCode: number) {
    super(message, { fromDaemon: false });
    this.commandExitCode = commandExitCode;
  }
}


export interface RunContext {
  /** The network RUN's container gets: the step's `--network`, else the build's (bridge, Docker's default). */
  network: string;
  /** `--mount`s prepared for this step. */
  mounts: PreparedMounts;
  /** The container's output, as it comes. */
  output(chunk: Buffer): void;
}

export async function runStep(store: Store, state: StageState, instruction: RunInstruction, context: RunContext): Promise<StageState> {
  if (!state.imageId) throw new WharfError(`The command '${commandArgs(state, instruction.command).join(' ')}' returned a non-zero code: 127: no image to run it on (FROM scratch)`);
  const argv = runArgv(state, instruction);
  const created = await createContainer(store, { ...containerOptions(state, argv, context.network), mounts: context.mounts.specs }, {});
  const record = getContainer(store, created.id) as ContainerRecord;
  const stopOnInterrupt = interruptStops(store, record);
  try {
    await startContainer(store, record, { waitForAttach: true });
    if (stopOnInterrupt.interrupted) throw new WharfError('build cancelled', { exitCode: 130, fromDaemon: false });
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (context.output(chunk), done()) });
    const outcome = await attachUntilExit(containerDir(store, record.id), { stdout: sink, stderr: sink, tty: false }, (error) => context.output(Buffer.from(`wharf: ${(error as Error).message}\n`)));
    if (stopOnInterrupt.interrupted) throw new WharfError('build cancelled', { exitCode: 130, fromDaemon: false });
    const code = outcome.status.exitCode ?? 1;
    // a command that could not start (not found, a bad working dir) is the runtime's error, as Docker reports it
    if (outcome.status.error) throw new WharfError(outcome.status.error);
    if (code !== 0) {
      throw new CommandFailedError(`The command '${argv.join(' ')}' returned a non-zero code: ${code}`, code);
    }
    removeMountStubs(containerDir(store, record.id), context.mounts.targets);
    const upper = containerPaths(containerDir(store, record.id)).upperDir;
    const next = await commitStep(store, state, { command: runCommand(state, instruction, context.mounts.keys), layer: await upperLayerTar(containerDir(store, record.id)), sizeHint: directorySize(upper), containerId: record.id });
    await keepUpperAsSnapshot(store, record.id, topChainId(state, next));
    return next;
  } finally {
    stopOnInterrupt.release();
    const current = getContainer(store, record.id);
    if (current) await removeContainer(store, current, { force: true, removeVolumes: true });
  }
}

/**
 * Ctrl+C (or SIGTERM) while RUN runs kills the step's container instead of wharf, so the step ends, its container is
 * removed and the build stops with nothing tagged; Docker's daemon cancels a build's container the same way.
 */
function interruptStops(store: Store, record: ContainerRecord): { interrupted: boolean; release(): void } {
  const state = { interrupted: false, release: () => {} };
  const stop = () => {
    state.interrupted = true;
    const current = getContainer(store, record.id);
    if (current && isRunning(current)) signalContainer(store, current, 'SIGKILL');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
  state.release = () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, stop);
  };
  return state;
}

/** Once the monitor is done with it, the container's upper dir becomes the new layer's snapshot, sparing the next step an unpack. */
async function keepUpperAsSnapshot(store: Store, containerId: string, chainId: Digest | undefined): Promise<void> {
  if (!chainId) return;
  await waitForExit(store, containerId);
  const dir = containerDir(store, containerId);
  await unmountContainerRootfs(dir);
  await adoptUpperDir(store, containerPaths(dir).upperDir, chainId);
}

function containerOptions(state: StageState, argv: string[], network: string): CreateOptions {
  const config = state.runConfig;
  return {
    image: state.imageId!,
    command: argv,
    entrypoint: [],
    env: [...(config.Env ?? []), ...runArgs(state)],
    envFiles: [],
    workdir: config.WorkingDir || undefined,
    user: config.User || undefined,
    tty: false,
    interactive: false,
    attached: true,
    autoRemove: false,
    publish: [],
    publishAll: false,
    expose: [],
    volumes: [],
    mounts: [],
    tmpfs: [],
    network,
    readOnly: false,
    privileged: false,
    init: false,
    labels: [],
    logOpts: [],
  };
}
