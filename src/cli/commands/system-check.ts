// `wharf system check [--repair]`: one line per problem; exit 1 when problems remain unrepaired.
import { checkStore } from '../../store/check.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { repair: { type: 'boolean' } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const repair = Boolean(values.repair);
  const problems = await checkStore(await context.store(), { repair });
  for (const problem of problems) context.out(`${repair ? 'repaired' : 'found'}: ${problem.kind} ${problem.subject}: ${problem.detail}\n`);
  if (problems.length === 0) context.out('store is consistent\n');
  return problems.length > 0 && !repair ? 1 : 0;
}
