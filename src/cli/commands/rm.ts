// `wharf rm [-f] [-v] CONTAINER...`: removes containers (a running one only with -f), their anonymous volumes with -v.
import { errorLine } from '../../errors.ts';
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { removeContainer } from '../../runtime/containers/lifecycle.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { force: { type: 'boolean', short: 'f' }, volumes: { type: 'boolean', short: 'v' }, link: { type: 'boolean', short: 'l' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] CONTAINER [CONTAINER...]`);
  const store = await context.store();
  let failed = false;
  for (const reference of positionals) {
    try {
      await removeContainer(store, resolveContainer(store, reference), { force: Boolean(values.force), removeVolumes: Boolean(values.volumes) });
      context.out(`${reference}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
