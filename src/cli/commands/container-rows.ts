// A container as `ps` shows it: docker/cli's ContainerContext fields (ID, Image, Command, RunningFor, Status, Ports, Names…) and Docker's status texts.
import type { ContainerRecord } from '../../runtime/containers/container-store.ts';
import { goTimeString } from '../../go/time.ts';
import { ellipsis } from '../format/ellipsis.ts';
import { humanDuration, humanSize } from '../format/units.ts';

export const PS_HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS', LocalVolumes: 'LOCAL VOLUMES',
};

/** Docker's State.String(). */
export function statusText(record: ContainerRecord, now: number): string {
  const since = (time: string | null) => humanDuration(now - Date.parse(time ?? new Date(now).toISOString()));
  switch (record.state) {
    case 'running':
      return `Up ${since(record.startedAt)}`;
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

export class ContainerRow {
  readonly #record: ContainerRecord;
  readonly #trunc: boolean;
  readonly #now: number;
  readonly #size: string;

  constructor(record: ContainerRecord, options: { trunc: boolean; now: number; size?: { rw: number; virtual: number } }) {
    this.#record = record;
    this.#trunc = options.trunc;
    this.#now = options.now;
    this.#size = options.size ? `${humanSize(options.size.rw)} (virtual ${humanSize(options.size.virtual)})` : '';
  }

  get ID(): string {
    return this.#trunc ? this.#record.id.slice(0, 12) : this.#record.id;
  }

  get Image(): string {
    return this.#record.imageName;
  }

  get Command(): string {
    const command = commandText(this.#record);
    return `"${this.#trunc ? ellipsis(command, 20) : command}"`;
  }

  get CreatedAt(): string {
    return goTimeString(this.#record.created);
  }

  get RunningFor(): string {
    return `${humanDuration(this.#now - Date.parse(this.#record.created))} ago`;
  }

  get Ports(): string {
    return portsText(this.#record);
  }

  get State(): string {
    return this.#record.state;
  }

  get Status(): string {
    return statusText(this.#record, this.#now);
  }

  get Size(): string {
    return this.#size;
  }

  get Names(): string {
    return this.#record.name;
  }

  get Labels(): string {
    return Object.entries(this.#record.settings.config.Labels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
  }

  get Mounts(): string {
    return (this.#record.settings.hostConfig.Binds ?? []).map((bind) => bind.split(':')[0]).join(',');
  }

  get Networks(): string {
    return this.#record.settings.hostConfig.NetworkMode;
  }

  get LocalVolumes(): string {
    return '0';
  }

  toJSON(): Record<string, string> {
    const fields = ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Ports', 'RunningFor', 'Size', 'State', 'Status'] as const;
    return Object.fromEntries(fields.map((field) => [field, this[field]]));
  }
}
