// `wharf network rm NETWORK...`: removes each user-defined network, printing the name given; a built-in or in-use one is Docker's error and exit code 1.
import { errorLine, NotFoundError } from '../../errors.ts';
import { removeNetwork } from '../../runtime/network/networks.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { force: { type: 'boolean', short: 'f' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} NETWORK [NETWORK...]`);
  const store = await context.store();
  let failed = false;
  for (const reference of positionals) {
    try {
      await removeNetwork(store, reference);
      context.out(`${reference}\n`);
    } catch (error) {
      if (values.force && error instanceof NotFoundError) continue;
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
