// `wharf export [-o FILE] CONTAINER`: the container's whole filesystem as a tar, running or not.
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { exportContainer } from '../../runtime/containers/export.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { writeTarOutput } from './output-file.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { output: { type: 'string', short: 'o' } }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] CONTAINER`);
  const store = await context.store();
  const record = resolveContainer(store, positionals[0]);
  await writeTarOutput(context, values.output as string | undefined, (output) => exportContainer(store, record, output, { end: output !== context.stdout }));
  return 0;
}
