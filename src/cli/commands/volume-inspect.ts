// `wharf volume inspect [-f FORMAT] VOLUME...`: Docker's JSON array, or one templated line per volume.
import { errorLine } from '../../errors.ts';
import { getVolume, inspectVolume } from '../../runtime/volumes/volume-store.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { compileFormatTemplate } from '../format/template-render.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { format: { type: 'string', short: 'f' } }, path);
  requireArgs(positionals, { min: 1 }, path, `${path} [OPTIONS] VOLUME [VOLUME...]`);
  const format = values.format as string | undefined;
  const template = format && format !== 'json' ? compileFormatTemplate(format) : undefined;
  const store = await context.store();
  const found: unknown[] = [];
  let failed = false;
  for (const name of positionals) {
    try {
      const volume = inspectVolume(getVolume(store, name));
      if (template) context.out(`${template.execute(volume)}\n`);
      else found.push(volume);
    } catch (error) {
      context.err(`${errorLine(error)}\n`);
      failed = true;
    }
  }
  if (!template) context.out(`${JSON.stringify(found, null, 4)}\n`);
  return failed ? 1 : 0;
}
