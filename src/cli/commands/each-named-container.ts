// docker/cli's loop over the containers a command names (stop, kill, restart, pause, unpause): each name printed as given once its action is done, each failure on stderr, and status 1 if any failed.
import { errorLine } from '../../errors.ts';
import type { CliContext } from '../context.ts';

/** In the order given, one after the other; `together` runs them all at once, as docker stop does. */
export async function forEachNamedContainer(context: CliContext, references: string[], action: (reference: string) => unknown, options: { together?: boolean } = {}): Promise<number> {
  let failed = false;
  const one = async (reference: string) => {
    try {
      await action(reference);
      context.out(`${reference}\n`);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  };
  if (options.together) await Promise.all(references.map(one));
  else for (const reference of references) await one(reference);
  return failed ? 1 : 0;
}
