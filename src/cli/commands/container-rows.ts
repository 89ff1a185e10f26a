// A container as `ps` shows it: docker/cli's ContainerContext fields (ID, Image, Command, RunningFor, Status, Ports, Names…) and Docker's status texts.
import { networksOf } from '../../runtime/containers/container-networks.ts';
import type { ContainerRecord } from '../../runtime/containers/container-store.ts';
import { commandText, portsText, statusText } from '../../runtime/containers/container-texts.ts';
import { goTimeString } from '../../go/time.ts';
import { ellipsis } from '../format/ellipsis.ts';
import { humanSize } from '../format/units.ts';
import { humanDuration } from '../../go/human-duration.ts';

export const PS_HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS', LocalVolumes: 'LOCAL VOLUMES',
};

export class ContainerRow {
  readonly #record: ContainerRecord;
  readonly #trunc: boolean;
  readonly #now: number;
  readonly #size: string;

  constructor(record: ContainerRecord, options: { trunc: boolean; now: number; size?: { rw: number; rootFs: number } }) {
    this.#record = record;
    this.#trunc = options.trunc;
    this.#now = options.now;
    this.#size = options.size ? `${humanSize(options.size.rw)} (virtual ${humanSize(options.size.rootFs)})` : '';
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
    return networksOf(this.#record.settings).map((network) => network.name).join(',');
  }

  get LocalVolumes(): string {
    return '0';
  }

  toJSON(): Record<string, string> {
    const fields = ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Ports', 'RunningFor', 'Size', 'State', 'Status'] as const;
    return Object.fromEntries(fields.map((field) => [field, this[field]]));
  }
}
