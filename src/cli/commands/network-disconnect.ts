// `wharf network disconnect NETWORK CONTAINER`: takes a container off a network (off its last one, it is left on none); a running one loses the interface at once.
import { disconnectContainer } from '../../runtime/containers/network-connect.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, { force: { type: 'boolean', short: 'f' } }, path);
  requireArgs(positionals, { min: 2, max: 2 }, path, `${path} [OPTIONS] NETWORK CONTAINER`);
  await disconnectContainer(await context.store(), positionals[0], positionals[1]);
  return 0;
}
