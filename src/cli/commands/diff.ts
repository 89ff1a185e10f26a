// `wharf diff CONTAINER`: what the container added (A), changed (C) and deleted (D) against its image, as `docker diff` lists it.
import { resolveContainer, containerDir } from '../../runtime/containers/container-store.ts';
import { containerChanges } from '../../snapshots/overlay-upper.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} CONTAINER`);
  const store = await context.store();
  const record = resolveContainer(store, positionals[0]);
  const changes = await containerChanges(containerDir(store, record.id));
  context.out(changes.map((change) => `${change.kind} ${change.path}\n`).join(''));
  return 0;
}
