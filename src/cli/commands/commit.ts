// `wharf commit [-a AUTHOR] [-c CHANGE]... [-m MESSAGE] [-p=false] CONTAINER [REPOSITORY[:TAG]]`: an image from the container's changes; prints its ID.
import { commitContainer } from '../../runtime/containers/commit-container.ts';
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    author: { type: 'string', short: 'a' },
    change: { type: 'string', short: 'c', multiple: true },
    message: { type: 'string', short: 'm' },
    pause: { type: 'boolean', short: 'p' },
  }, path);
  requireArgs(positionals, { min: 1, max: 2 }, path, `${path} [OPTIONS] CONTAINER [REPOSITORY[:TAG]]`);
  const store = await context.store();
  const record = resolveContainer(store, positionals[0]);
  const id = await commitContainer(store, record, {
    author: values.author as string | undefined,
    message: values.message as string | undefined,
    changes: (values.change as string[] | undefined) ?? [],
    tag: positionals[1],
    pause: values.pause !== false,
  });
  context.out(`${id}\n`);
  return 0;
}
