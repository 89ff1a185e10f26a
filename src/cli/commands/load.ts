// `wharf load [-i FILE] [-q]`: loads images from a docker save archive or OCI layout tarball.
import { open } from 'node:fs/promises';
import { InvalidArgumentError } from '../../errors.ts';
import { loadArchive } from '../../images/load.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { input: { type: 'string', short: 'i' }, quiet: { type: 'boolean', short: 'q' } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const file = values.input as string | undefined;
  if (!file && context.stdin.isTTY) {
    throw new InvalidArgumentError('requested load from stdin, but stdin is empty', { fromDaemon: false });
  }
  // opened first, so a missing file fails here with Go's wording instead of as an unhandled stream error
  const input = file ? (await open(file)).createReadStream({ highWaterMark: 1 << 20 }) : context.stdin;
  const store = await context.store();
  for (const line of await loadArchive(store, input)) context.out(`${line}\n`);
  return 0;
}
