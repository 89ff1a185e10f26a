// What the CLI tells a container's monitor (as flags, and monitor.json in the container directory for later commands): how to run it and what to do when it exits.
import { InvalidArgumentError } from '../../errors.ts';
import type { RestartPolicy } from '../containers/container-config.ts';
import type { MonitorHealthcheck } from '../containers/healthcheck.ts';

export interface MonitorPlan {
  containerId: string;
  /** The data root, for the metadata DB. */
  root: string;
  runtimePath: string;
  /** The runtime's --root (its state directory). */
  stateRoot: string;
  tty: boolean;
  openStdin: boolean;
  /** Close the container's stdin when the first attached client closes its own (`run -i` without -d). */
  stdinOnce: boolean;
  /** Start only once a client is attached, so it sees all the output. */
  waitForAttach: boolean;
  restartPolicy: RestartPolicy;
  autoRemove: boolean;
  log: { maxSize: number; maxFiles: number };
  /** A TTY's first [rows, columns]; [0, 0] or none is 24×80. */
  consoleSize?: [number, number];
  /** The checks the monitor runs while the container runs; none without a healthcheck. */
  healthcheck?: MonitorHealthcheck;
}

export const PLAN_FILE = 'monitor.json';
export const RUNTIME_LOG = 'runtime.log';

export function logFileName(containerId: string): string {
  return `${containerId}-json.log`;
}

/** The runtime's error for a start that failed, as Docker wraps runc's, with the exit code docker/cli gives it. */
export function startFailure(runtimeMessage: string): { error: string; exitCode: number } {
  const message = runtimeMessage.replace(/^runc run failed: /, 'runc create failed: ').replace(/^crun: /, '');
  const error = `failed to create task for container: OCI runtime create failed: ${message}: unknown`;
  if (/executable file not found|no such file or directory/.test(message)) return { error, exitCode: 127 };
  if (/permission denied|cannot execute|is a directory/.test(message)) return { error, exitCode: 126 };
  return { error, exitCode: 125 };
}

/** A size as Docker's log-opt max-size takes it: `10m`, `1g`, `500k`, bytes. */
export function parseLogSize(text: string | undefined): number {
  if (!text) return 0;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`invalid log-opt max-size: ${text}`, { exitCode: 125 });
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(match[1]) * unit);
}
