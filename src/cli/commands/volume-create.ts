// `wharf volume create [OPTIONS] [VOLUME]`: prints the volume's name, as Docker does, new or existing.
import { createVolume } from '../../runtime/volumes/volume-store.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs, stringList } from '../flags.ts';
import { UsageError } from '../usage-error.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    driver: { type: 'string', short: 'd' },
    label: { type: 'string', multiple: true },
    opt: { type: 'string', short: 'o', multiple: true },
    name: { type: 'string' },
  }, path);
  requireArgs(positionals, { min: 0, max: 1 }, path, `${path} [OPTIONS] [VOLUME]`);
  if (values.name !== undefined && positionals.length > 0) {
    throw new UsageError(`conflicting options: either specify --name or provide positional arg, not both\nSee 'wharf ${path} --help'.`);
  }
  const name = positionals[0] ?? (values.name as string | undefined);
  const { volume } = createVolume(await context.store(), {
    name: name === '' ? undefined : name,
    driver: values.driver as string | undefined,
    labels: keyValues(stringList(values.label)),
    options: keyValues(stringList(values.opt)),
  });
  context.out(`${volume.name}\n`);
  return 0;
}

/** `key=value` pairs; a bare key has an empty value, as docker/cli's ConvertKVStringsToMap gives it. */
function keyValues(pairs: string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => {
    const equals = pair.indexOf('=');
    return equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
  }));
}
