// Docker's container healthcheck: the config (the image's, the user's over it), what the monitor runs, and the state it records.
import { InvalidArgumentError } from '../../errors.ts';

/** Docker's HealthConfig: durations in nanoseconds, 0 for the default; Test `["NONE"]` turns the image's off. */
export interface Healthcheck {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** Docker's State.Health, as the monitor writes it (records.c). */
export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

/** What the monitor runs: the test's argv and dockerd's defaults filled in. */
export interface MonitorHealthcheck {
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  /** Between checks while the container is starting, within its start period. */
  startIntervalMs: number;
  retries: number;
}

const DURATIONS = ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const;
const FIELDS = ['Test', ...DURATIONS, 'Retries'] as const;

/**
 * dockerd's merge at create: each field the user set overrides the image's; then its checks of the values. Fields left
 * at zero are left out, in Docker's order, as Go's omitempty writes the config.
 */
export function mergeHealthcheck(user: Healthcheck | undefined, image: Healthcheck | undefined): Healthcheck | undefined {
  if (!user && !image) return undefined;
  const given = (value: unknown) => (Array.isArray(value) ? value.length > 0 : Boolean(value));
  const merged: Healthcheck = Object.fromEntries(FIELDS.flatMap((field) => {
    const value = given(user?.[field]) ? user?.[field] : image?.[field];
    return given(value) ? [[field, value]] : [];
  }));
  for (const field of DURATIONS) {
    const value = merged[field] ?? 0;
    if (value !== 0 && value < 1e6) throw new InvalidArgumentError(`${field} in Healthcheck cannot be less than 1ms`, { exitCode: 125 });
  }
  if ((merged.Retries ?? 0) < 0) throw new InvalidArgumentError('Retries in Healthcheck cannot be negative', { exitCode: 125 });
  return merged;
}

/** dockerd's probe: CMD is an argv, CMD-SHELL a line for /bin/sh -c; none for NONE or no test. Defaults 30 s, 30 s, 0, 5 s, 3. */
export function monitorHealthcheck(check: Healthcheck | undefined): MonitorHealthcheck | undefined {
  const [kind, ...rest] = check?.Test ?? [];
  if (!check || kind === undefined || kind === 'NONE') return undefined;
  if (kind !== 'CMD' && kind !== 'CMD-SHELL') throw new InvalidArgumentError(`unknown healthcheck type '${kind}' (expected 'CMD') in container`, { exitCode: 125 });
  const ms = (nanoseconds: number | undefined, fallback: number) => (nanoseconds ? Math.max(1, Math.round(nanoseconds / 1e6)) : fallback);
  return {
    test: kind === 'CMD' ? rest : ['/bin/sh', '-c', rest.join(' ')],
    intervalMs: ms(check.Interval, 30_000),
    timeoutMs: ms(check.Timeout, 30_000),
    startPeriodMs: ms(check.StartPeriod, 0),
    startIntervalMs: ms(check.StartInterval, 5_000),
    retries: check.Retries && check.Retries > 0 ? check.Retries : 3,
  };
}

/** The monitor's command-line flags for it. */
export function healthcheckFlags(check: MonitorHealthcheck | undefined): string[] {
  if (!check) return [];
  return [
    ...check.test.flatMap((arg) => ['--health-arg', arg]),
    '--health-interval-ms', String(check.intervalMs), '--health-timeout-ms', String(check.timeoutMs), '--health-start-period-ms', String(check.startPeriodMs),
    '--health-start-interval-ms', String(check.startIntervalMs), '--health-retries', String(check.retries),
  ];
}

/** The `health` filter's values: a container without a healthcheck is `none`. */
export const HEALTH_FILTER_VALUES = ['starting', 'healthy', 'unhealthy', 'none'];

export function healthStatus(health: HealthState | null): HealthStatus | 'none' {
  return health?.Status ?? 'none';
}
