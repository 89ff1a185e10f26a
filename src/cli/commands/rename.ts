// `wharf rename CONTAINER NEW_NAME`, with Docker's checks of the new name.
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { renameContainer } from '../../runtime/containers/names.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 2, max: 2 }, path, `${path} CONTAINER NEW_NAME`);
  const store = await context.store();
  renameContainer(store, resolveContainer(store, positionals[0]), positionals[1]);
  return 0;
}
