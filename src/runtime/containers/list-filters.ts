// Docker's container filters (status, name, id, label, ancestor, exited, health, network), for `ps` and the Engine API's list alike.
import { InvalidArgumentError } from '../../errors.ts';
import { resolveImage } from '../../images/resolve.ts';
import type { Store } from '../../store/store.ts';
import type { ContainerRecord } from './container-store.ts';
import { stateString } from './container-texts.ts';
import { HEALTH_FILTER_VALUES, healthStatus } from './healthcheck.ts';
import { networksOf } from './container-networks.ts';

const STATES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** Filters of one name OR together, different names AND, as the daemon's filters.Args do; labels all must match (its MatchKVList). */
export function containerMatcher(store: Store, filters: string[]): (record: ContainerRecord) => boolean {
  const byName = new Map<string, string[]>();
  for (const filter of filters) {
    const [name, value] = [filter.slice(0, filter.indexOf('=')), filter.slice(filter.indexOf('=') + 1)];
    if (!['status', 'name', 'id', 'label', 'ancestor', 'exited', 'health', 'network'].includes(name)) throw new InvalidArgumentError(`invalid filter '${name}'`);
    if (name === 'health' && !HEALTH_FILTER_VALUES.includes(value)) throw new InvalidArgumentError(`Unrecognised filter value for health: ${value}`);
    if (name === 'status' && !STATES.includes(value)) throw new InvalidArgumentError(`invalid filter 'status=${value}'`);
    byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  const tests: Record<string, (record: ContainerRecord, value: string) => boolean> = {
    status: (record, value) => stateString(record) === value,
    name: (record, value) => new RegExp(value).test(record.name),
    id: (record, value) => record.id.startsWith(value),
    label: (record, value) => {
      const equals = value.indexOf('=');
      const [key, wanted] = equals < 0 ? [value, undefined] : [value.slice(0, equals), value.slice(equals + 1)];
      const labels = record.settings.config.Labels ?? {};
      return key in labels && (wanted === undefined || labels[key] === wanted);
    },
    ancestor: (record, value) => record.imageName === value || record.imageId === ancestorId(store, value),
    exited: (record, value) => record.state === 'exited' && record.exitCode === Number(value),
    health: (record, value) => healthStatus(record.health) === value,
    network: (record, value) => networksOf(record.settings).some((network) => network.name === value || (value !== '' && networkId(store, network.name).startsWith(value))),
  };
  return (record) => [...byName].every(([name, values]) => (name === 'label' ? values.every : values.some).call(values, (value) => tests[name](record, value)));
}

/** dockerd matches a network by its name, or a prefix of its ID. */
function networkId(store: Store, name: string): string {
  return String(store.db.get('SELECT id FROM networks WHERE name = ?', name)?.id ?? '');
}

function ancestorId(store: Store, value: string): string | undefined {
  try {
    return resolveImage(store, value).id;
  } catch {
    return undefined;
  }
}
