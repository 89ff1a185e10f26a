// `wharf tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`.
import { InvalidArgumentError, WharfError } from '../../errors.ts';
import { tagName } from '../../images/names.ts';
import { tagImage } from '../../images/tag.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 2, max: 2 }, path, `${path} SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`);
  const [source, target] = positionals;
  checkTarget(target);
  tagImage(await context.store(), source, target);
  return 0;
}

/** docker/cli validates the target before asking the daemon, with its own wording. */
function checkTarget(target: string): void {
  try {
    tagName(target);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new WharfError(`Error parsing reference: "${target}" is not a valid repository/tag: ${error.message}`, { fromDaemon: false });
  }
}
