// dockerd's volume filters (dangling, name, driver, label), shared by `volume ls`, `volume prune` and the Engine API.
import { InvalidArgumentError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { usersOf, type Volume } from './volume-store.ts';

/** `key=value` filters: each key's values are alternatives, keys must all match. */
export function volumeFilter(store: Store, filters: string[]): (volume: Volume) => boolean {
  const byKey = new Map<string, string[]>();
  for (const filter of filters) {
    const equals = filter.indexOf('=');
    const key = filter.slice(0, equals);
    if (!['dangling', 'name', 'driver', 'label'].includes(key)) throw new InvalidArgumentError(`Invalid filter '${key}'`);
    byKey.set(key, [...(byKey.get(key) ?? []), filter.slice(equals + 1)]);
  }
  for (const value of byKey.get('dangling') ?? []) {
    if (!/^(true|false|1|0)$/i.test(value)) throw new InvalidArgumentError(`Invalid filter 'dangling=[${value}]'`);
  }
  return (volume) => [...byKey].every(([key, wanted]) => wanted.some((value) => matches(store, volume, key, value)));
}

function matches(store: Store, volume: Volume, key: string, value: string): boolean {
  if (key === 'name') return volume.name.includes(value);
  if (key === 'driver') return volume.driver === value;
  if (key === 'dangling') return (usersOf(store, volume.name).length === 0) === /^(true|1)$/i.test(value);
  const equals = value.indexOf('=');
  const labels = volume.labels ?? {};
  return equals < 0 ? value in labels : labels[value.slice(0, equals)] === value.slice(equals + 1);
}
