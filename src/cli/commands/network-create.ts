// `wharf network create [-d bridge] [--subnet CIDR] [--gateway IP] [--label k=v] NAME`: a user-defined bridge network; prints its ID.
import { createNetwork } from '../../runtime/network/networks.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs, stringList } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    driver: { type: 'string', short: 'd' },
    subnet: { type: 'string' },
    gateway: { type: 'string' },
    label: { type: 'string', multiple: true },
  }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] NETWORK`);
  const labels = Object.fromEntries(stringList(values.label).map((pair) => {
    const equals = pair.indexOf('=');
    return equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
  }));
  const network = await createNetwork(await context.store(), {
    name: positionals[0],
    driver: values.driver as string | undefined,
    subnet: values.subnet as string | undefined,
    gateway: values.gateway as string | undefined,
    labels,
  });
  context.out(`${network.id}\n`);
  return 0;
}
