// `wharf create [OPTIONS] IMAGE [COMMAND] [ARG...]`: a container ready to start; prints its ID.
import { createContainer } from '../../runtime/containers/create.ts';
import type { CliContext } from '../context.ts';
import { CREATE_FLAGS, createOptionsOf, parseContainerFlags } from './container-flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const parsed = parseContainerFlags(args, CREATE_FLAGS, path);
  const created = await createContainer(await context.store(), createOptionsOf(parsed, { detach: true }), context.env);
  context.out(`${created.id}\n`);
  return 0;
}
