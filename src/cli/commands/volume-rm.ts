// `wharf volume rm [-f] VOLUME...`: removes each, printing its name; a missing or in-use one is Docker's error and exit code 1.
import { errorLine } from '../../errors.ts';
import { removeVolume } from '../../runtime/volumes/volume-store.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { force: { type: 'boolean', short: 'f' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] VOLUME [VOLUME...]`);
  const store = await context.store();
  let failed = false;
  for (const name of positionals) {
    try {
      removeVolume(store, name, { force: Boolean(values.force) });
      context.out(`${name}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
