// `wharf push [-a] [-q] [--progress auto|plain|tty|json] NAME[:TAG]`: a stored image to its registry.
import { pushImage } from '../../images/push.ts';
import { parseClientReference } from '../client-reference.ts';
import { loadCredentials } from '../../registry/client/auth/credentials.ts';
import { RegistryAccess } from '../../registry/client/registry-access.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { progressMode, progressRenderer } from '../format/progress-renderer.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    'all-tags': { type: 'boolean', short: 'a' },
    quiet: { type: 'boolean', short: 'q' },
    progress: { type: 'string' },
    'disable-content-trust': { type: 'boolean' },
  }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] NAME[:TAG]`);
  const [name] = positionals;
  const mode = progressMode(values.progress as string | undefined, { quiet: values.quiet === true, tty: context.stdout.isTTY === true });
  const reference = parseClientReference(name);
  if (!values['all-tags'] && !reference.tag && mode !== 'quiet' && mode !== 'json') context.out('Using default tag: latest\n');
  const access = new RegistryAccess({ credentials: (registry) => loadCredentials(registry, context.env) });
  try {
    const renderer = progressRenderer(context.stdout, mode);
    await pushImage(await context.store(), name, { access, allTags: values['all-tags'] === true, onProgress: (message) => renderer.write(message) });
  } finally {
    access.close();
  }
  return 0;
}
