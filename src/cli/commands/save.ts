// `wharf save [-o FILE] IMAGE...`: to a file (written whole, then renamed into place) or to stdout, never a terminal.
import { saveImages } from '../../images/save.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { writeTarOutput } from './output-file.ts';

export async function run(context: CliContext, args: string[], commandPath: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { output: { type: 'string', short: 'o' } }, commandPath);
  requireArgs(positionals, { min: 1 }, commandPath, `${commandPath} [OPTIONS] IMAGE [IMAGE...]`);
  const store = await context.store();
  await writeTarOutput(context, values.output as string | undefined, (output) => saveImages(store, positionals, output));
  return 0;
}
