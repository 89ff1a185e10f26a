// `wharf network connect [--alias A] NETWORK CONTAINER`: puts a container on one more network, with these aliases there;
// a running one gets the interface at once.
import { connectContainer } from '../../runtime/containers/network-connect.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs, stringList } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { alias: { type: 'string', multiple: true } }, path);
  requireArgs(positionals, { min: 2, max: 2 }, path, `${path} [OPTIONS] NETWORK CONTAINER`);
  await connectContainer(await context.store(), positionals[0], positionals[1], stringList(values.alias));
  return 0;
}
