// A container's texts as Docker's daemon words them (State.String(), the listed command, the ports), for `ps` and the Engine API alike.
import { humanDuration } from '../../go/human-duration.ts';
import type { ContainerRecord } from './container-store.ts';

/** Docker's State.StateString(): a paused container is `paused`, not `running`, in ps's filters, inspect and the API's list. */
export function stateString(record: ContainerRecord): string {
  return record.state === 'running' && record.paused ? 'paused' : record.state;
}

/** Docker's State.String(). */
export function statusText(record: ContainerRecord, now: number): string {
  const since = (time: string | null) => humanDuration(now - Date.parse(time ?? new Date(now).toISOString()));
  switch (record.state) {
    case 'running':
      return `Up ${since(record.startedAt)}${record.paused ? ' (Paused)' : record.health ? ` (${record.health.Status === 'starting' ? 'health: starting' : record.health.Status})` : ''}`;
    case 'restarting':
      return `Restarting (${record.exitCode ?? 0}) ${since(record.finishedAt)} ago`;
    case 'exited':
      return `Exited (${record.exitCode ?? 0}) ${since(record.finishedAt)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      return 'Created';
  }
}

/** moby's list: an argument with a space in it is shown in single quotes (`sh -c 'echo hi'`). */
export function commandText(record: ContainerRecord): string {
  return [record.settings.path, ...record.settings.args.map((arg) => (arg.includes(' ') ? `'${arg}'` : arg))].join(' ');
}

export function portsText(record: ContainerRecord): string {
  const published = (record.network?.ports ?? []).map((port) => `${port.hostIp}:${port.hostPort}->${port.containerPort}/${port.protocol}`);
  const publishedKeys = new Set((record.network?.ports ?? []).map((port) => `${port.containerPort}/${port.protocol}`));
  const exposed = record.state === 'running' ? Object.keys(record.settings.config.ExposedPorts ?? {}).filter((key) => !publishedKeys.has(key)) : [];
  return [...exposed, ...published].join(', ');
}
