// Parses --memory, --cpus and --pids-limit as docker/cli does (go-units RAMInBytes, rational CPUs), with its error texts, and turns them into the cgroup's figures.
import { InvalidArgumentError } from '../../errors.ts';

const MINIMUM_MEMORY = 6 * 1024 * 1024;
const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

function flagError(value: string, flag: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid argument "${value}" for "${flag}" flag: ${why}`, { exitCode: 125, fromDaemon: false });
}

export function parseMemory(value: string | undefined): number {
  if (value === undefined) return 0;
  const match = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
  if (!match) throw flagError(value, '-m, --memory', `invalid size: '${value}'`);
  const bytes = Math.floor(Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]);
  if (bytes > 0 && bytes < MINIMUM_MEMORY) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB', { exitCode: 125 });
  return bytes;
}

export function parseCpus(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d*\.?\d+$/.test(value)) throw flagError(value, '--cpus', `failed to parse ${value} as a rational number`);
  return Math.round(Number(value) * 1e9);
}

export function parsePidsLimit(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^-?\d+$/.test(value)) throw flagError(value, '--pids-limit', `strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** The CFS period the quota of --cpus is a share of, as dockerd sets it. */
export const CPU_PERIOD = 100_000;

export function cpuQuota(nanoCpus: number): number {
  return Math.round((nanoCpus / 1e9) * CPU_PERIOD);
}

/** Memory plus as much swap, dockerd's default when --memory-swap is not given. */
export function memorySwap(memory: number): number {
  return memory * 2;
}
