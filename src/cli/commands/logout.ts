// `wharf logout [SERVER]`: removes the registry's stored credentials (helper and config.json), under every spelling Docker used.
import { credentialKey, DOCKER_HUB_KEY, eraseCredentials } from '../../registry/client/auth/credentials.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { positionals } = parseFlags(args, {}, path);
  requireArgs(positionals, { min: 0, max: 1 }, path, `${path} [SERVER]`);
  const server = positionals[0];
  const key = credentialKey(server);
  // Older Docker versions stored a registry as given, with a scheme or a path: those entries go too.
  const keys = key === DOCKER_HUB_KEY ? [key] : [...new Set([server ?? key, key, `http://${key}`, `https://${key}`])];
  context.out(`Removing login credentials for ${key}\n`);
  try {
    await eraseCredentials(keys, context.env);
  } catch (error) {
    context.err(`WARNING: could not erase credentials:\n${key}: ${(error as Error).message}\n`);
  }
  return 0;
}
