// `wharf import FILE|URL|- [REPOSITORY[:TAG]] [-c CHANGE] [-m MESSAGE] [--platform]`: prints the new image ID.
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { importImage } from '../../images/import.ts';
import { isImportUrl, openImportUrl } from '../../images/import-url.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs, stringList } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    change: { type: 'string', short: 'c', multiple: true },
    message: { type: 'string', short: 'm' },
    platform: { type: 'string' },
  }, path);
  requireArgs(positionals, { min: 1, max: 2 }, path, `${path} [OPTIONS] file|URL|- [REPOSITORY[:TAG]]`);
  const [source, tag] = positionals;
  const input = await openSource(context, source);
  const id = await importImage(await context.store(), input, {
    source: isImportUrl(source) ? source : '-',
    tag,
    changes: stringList(values.change),
    message: values.message as string | undefined,
    platform: values.platform as string | undefined,
  });
  context.out(`${id}\n`);
  return 0;
}

async function openSource(context: CliContext, source: string): Promise<Readable> {
  if (source === '-') return context.stdin;
  if (isImportUrl(source)) return openImportUrl(source);
  // opened first, so a missing file fails here with Go's wording instead of as an unhandled stream error
  return (await open(source)).createReadStream();
}
