// Docker's prune confirmation: the warning, `Are you sure you want to continue? [y/N] `, and a line read from stdin.
import { createInterface } from 'node:readline/promises';
import type { CliContext } from './context.ts';

/** True only for `y` or `yes`; an empty or closed stdin answers no. */
export async function confirm(context: CliContext, warning: string): Promise<boolean> {
  context.out(`${warning}\nAre you sure you want to continue? [y/N] `);
  const reader = createInterface({ input: context.stdin });
  const answer = await new Promise<string>((resolve) => {
    reader.once('line', resolve);
    reader.once('close', () => resolve(''));
  });
  reader.close();
  return /^y(es)?$/i.test(answer.trim());
}
