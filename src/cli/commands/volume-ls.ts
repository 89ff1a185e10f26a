// `wharf volume ls [-q] [--format] [--filter dangling|name|driver|label]`: Docker's DRIVER / VOLUME NAME table.
import { volumeFilter } from '../../runtime/volumes/volume-filter.ts';
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
