// `wharf rename CONTAINER NEW_NAME`, with Docker's checks of the new name.
import { WharfError } from '../../errors.ts';
import { nameConflict, resolveContainer, updateContainer } from '../../runtime/containers/container-store.ts';
import { validName } from '../../runtime/containers/names.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 2, max: 2 }, path, `${path} CONTAINER NEW_NAME`);
  const store = await context.store();
  const record = resolveContainer(store, positionals[0]);
  const name = validName(positionals[1]);
  if (name === record.name) throw new WharfError(`Renaming a container with the same name as its current name`);
  store.db.transaction(() => {
    const holder = store.db.get('SELECT id FROM containers WHERE name = ?', name);
    if (holder) throw nameConflict(name, String(holder.id));
    updateContainer(store, record.id, { name });
  });
  return 0;
}
