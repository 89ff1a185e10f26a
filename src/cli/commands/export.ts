// `wharf export [-o FILE] CONTAINER`: the container's whole filesystem as a tar, running or not.
import { pipeline } from 'node:stream/promises';
import { packEntries, walkTree } from '../../layers/directory-tar.ts';
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { withContainerRootfs } from '../../runtime/containers/rootfs.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { writeTarOutput } from './output-file.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { output: { type: 'string', short: 'o' } }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] CONTAINER`);
  const store = await context.store();
  const record = resolveContainer(store, positionals[0]);
  await writeTarOutput(context, values.output as string | undefined, (output) =>
    withContainerRootfs(store, record, (rootfs) => pipeline(packEntries(walkTree(rootfs)), output, { end: output !== context.stdout })));
  return 0;
}
