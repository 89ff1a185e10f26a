// `wharf rmi [-f] [--no-prune] IMAGE...`: goes on past a failure, reports it, and exits 1 at the end.
import { errorLine, NotFoundError } from '../../errors.ts';
import { removeImage } from '../../images/remove.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { force: { type: 'boolean', short: 'f' }, 'no-prune': { type: 'boolean' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] IMAGE [IMAGE...]`);
  const store = await context.store();
  let failed = false;
  for (const input of positionals) {
    try {
      for (const record of removeImage(store, input, { force: Boolean(values.force), prune: !values['no-prune'] })) {
        context.out('Untagged' in record ? `Untagged: ${record.Untagged}\n` : `Deleted: ${record.Deleted}\n`);
      }
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      // docker/cli: with -f, an image that is not there is reported but does not fail the command
      if (!(values.force && error instanceof NotFoundError)) failed = true;
    }
  }
  return failed ? 1 : 0;
}
