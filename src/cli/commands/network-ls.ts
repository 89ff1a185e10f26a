// `wharf network ls [-q] [--no-trunc] [--format] [--filter]`: Docker's NETWORK ID / NAME / DRIVER / SCOPE table.
import { builtinNetworks, networkFilter } from '../../runtime/network/networks.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';

const HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' };

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    quiet: { type: 'boolean', short: 'q' },
    'no-trunc': { type: 'boolean' },
    format: { type: 'string' },
    filter: { type: 'string', short: 'f', multiple: true },
  }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const keep = networkFilter(filterArgs(values.filter, '--filter', path));
  const truncate = !values['no-trunc'];
  const rows = (await builtinNetworks(await context.store())).filter(keep).map((network) => ({
    ID: truncate ? network.id.slice(0, 12) : network.id,
    Name: network.name,
    Driver: network.driver,
    Scope: 'local',
    IPv6: 'false',
    Internal: 'false',
    Labels: '',
    CreatedAt: network.created,
  }));
  context.out(await renderFormatted({
    format: values.quiet ? '{{.ID}}' : (values.format as string | undefined),
    defaultTableFormat: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
    headers: HEADERS,
    rows,
  }));
  return 0;
}
