// `wharf import FILE|URL|- [REPOSITORY[:TAG]] [-c CHANGE] [-m MESSAGE] [--platform]`: prints the new image ID.
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { WharfError } from '../../errors.ts';
import { importImage } from '../../images/import.ts';
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
    source: /^https?:\/\//.test(source) ? source : '-',
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
  // opened first, so a missing file fails here with Go's wording instead of as an unhandled stream error
  if (!/^https?:\/\//.test(source)) return (await open(source)).createReadStream();
  const response = await fetch(source).catch((error: unknown) => {
    throw new WharfError(`Get "${source}": ${(error as Error).message}`, { cause: error });
  });
  if (!response.ok || !response.body) throw new WharfError(`Get "${source}": unexpected status ${response.status}`);
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
}
