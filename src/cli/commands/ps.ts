// `wharf ps` / `container ls`: Docker's columns, -a -q -l -n -s --no-trunc, --filter status|name|id|label|ancestor|exited|health, --format.
import { listContainers } from '../../runtime/containers/container-store.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';
import { ContainerRow, PS_HEADERS } from './container-rows.ts';
import { containerMatcher } from '../../runtime/containers/list-filters.ts';
import { containerSize } from '../../runtime/containers/disk-usage.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    all: { type: 'boolean', short: 'a' },
    quiet: { type: 'boolean', short: 'q' },
    latest: { type: 'boolean', short: 'l' },
    last: { type: 'string', short: 'n' },
    size: { type: 'boolean', short: 's' },
    'no-trunc': { type: 'boolean' },
    filter: { type: 'string', short: 'f', multiple: true },
    format: { type: 'string' },
  }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const store = await context.store();
  const filters = filterArgs(values.filter, '-f, --filter', path);
  const last = values.latest ? 1 : values.last !== undefined ? Number(values.last) : -1;
  const showAll = Boolean(values.all) || last > 0 || filters.some((filter) => /^(status|exited)=/.test(filter));
  let containers = listContainers(store).filter((record) => showAll || record.state === 'running' || record.state === 'restarting');
  containers = containers.filter(containerMatcher(store, filters));
  if (last > 0) containers = containers.slice(0, last);
  const now = Date.now();
  const format = values.quiet ? '{{.ID}}' : (values.format as string | undefined);
  const wantsSize = Boolean(values.size) || Boolean(format?.includes('.Size'));
  const rows = containers.map((record) => new ContainerRow(record, { trunc: !values['no-trunc'], now, size: wantsSize ? containerSize(store, record) : undefined }));
  context.out(await renderFormatted({
    format,
    defaultTableFormat: `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${values.size ? '\t{{.Size}}' : ''}`,
    headers: PS_HEADERS,
    rows,
  }));
  return 0;
}
