// `wharf wait CONTAINER...`: blocks until each container stops, then prints its exit code.
import { errorLine } from '../../errors.ts';
import { resolveContainer } from '../../runtime/containers/container-store.ts';
import { waitForExit } from '../../runtime/containers/lifecycle.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 1 }, path, `${path} CONTAINER [CONTAINER...]`);
  const store = await context.store();
  let failed = false;
  for (const reference of positionals) {
    try {
      const record = resolveContainer(store, reference);
      const final = await waitForExit(store, record.id);
      context.out(`${final?.exitCode ?? 0}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
