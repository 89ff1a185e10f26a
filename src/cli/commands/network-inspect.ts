// `wharf network inspect [-f FORMAT] NETWORK...`: Docker's JSON array, or one templated line per network.
import { errorLine } from '../../errors.ts';
import { containerName } from '../../runtime/network/container-names.ts';
import { findNetwork, inspectNetwork } from '../../runtime/network/networks.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { compileFormatTemplate } from '../format/template-render.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { format: { type: 'string', short: 'f' }, verbose: { type: 'boolean', short: 'v' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] NETWORK [NETWORK...]`);
  const format = values.format as string | undefined;
  const template = format && format !== 'json' ? compileFormatTemplate(format) : undefined;
  const store = await context.store();
  const found: unknown[] = [];
  let failed = false;
  for (const reference of positionals) {
    try {
      const network = inspectNetwork(store, await findNetwork(store, reference), (id) => containerName(store, id));
      if (template) context.out(`${template.execute(network)}\n`);
      else found.push(network);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  if (!template) context.out(`${JSON.stringify(found, null, 4)}\n`);
  return failed ? 1 : 0;
}
