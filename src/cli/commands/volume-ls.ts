// `wharf volume ls [-q] [--format] [--filter dangling|name|driver|label]`: Docker's DRIVER / VOLUME NAME table.
import { InvalidArgumentError } from '../../errors.ts';
import { listVolumes, usersOf, type Volume } from '../../runtime/volumes/volume-store.ts';
import type { Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { naturalCompare } from '../format/natural-order.ts';
import { renderFormatted } from '../format/render.ts';

const HEADERS = { Driver: 'DRIVER', Name: 'VOLUME NAME', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' };

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    quiet: { type: 'boolean', short: 'q' },
    format: { type: 'string' },
    filter: { type: 'string', short: 'f', multiple: true },
  }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const store = await context.store();
  const keep = volumeFilter(store, filterArgs(values.filter, '--filter', path));
  // the docker CLI sorts the daemon's list by name, naturally
  const rows = listVolumes(store).filter(keep).sort((a, b) => naturalCompare(a.name, b.name)).map((volume) => volumeRow(store, volume));
  context.out(await renderFormatted({
    format: values.quiet ? '{{.Name}}' : (values.format as string | undefined),
    defaultTableFormat: 'table {{.Driver}}\t{{.Name}}',
    headers: HEADERS,
    rows,
  }));
  return 0;
}

function volumeRow(store: Store, volume: Volume): Record<string, string> {
  return {
    Driver: volume.driver,
    Name: volume.name,
    Scope: 'local',
    Mountpoint: volume.mountpoint,
    Labels: Object.entries(volume.labels ?? {}).map(([key, value]) => `${key}=${value}`).join(','),
    Links: String(usersOf(store, volume.name).length),
    Size: 'N/A',
  };
}

/** dockerd's volume filters: each key's values are alternatives, keys must all match. */
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
