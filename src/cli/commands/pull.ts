// `wharf pull [-a] [-q] [--platform P] [--progress auto|plain|tty|json] NAME[:TAG|@DIGEST]`: an image from its registry.
import { pullImage } from '../../images/pull.ts';
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
    platform: { type: 'string' },
    progress: { type: 'string' },
    'disable-content-trust': { type: 'boolean' },
  }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] NAME[:TAG|@DIGEST]`);
  const [name] = positionals;
  const mode = progressMode(values.progress as string | undefined, { quiet: values.quiet === true, tty: context.stdout.isTTY === true });
  const reference = parseClientReference(name);
  if (!values['all-tags'] && !reference.tag && !reference.digest && mode !== 'quiet' && mode !== 'json') context.out('Using default tag: latest\n');
  const access = new RegistryAccess({ credentials: (registry) => loadCredentials(registry, context.env) });
  try {
    const renderer = progressRenderer(context.stdout, mode);
    const pulled = await pullImage(await context.store(), name, {
      access,
      platform: (values.platform as string | undefined) ?? context.env.DOCKER_DEFAULT_PLATFORM,
      allTags: values['all-tags'] === true,
      onProgress: (message) => renderer.write(message),
    });
    if (mode !== 'json') context.out(`${pulled}\n`);
  } finally {
    access.close();
  }
  return 0;
}
