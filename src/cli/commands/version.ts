// `wharf version`: client and engine versions, in Docker's layout. Loads nothing else, to start fast.
import packageJson from '../../../package.json' with { type: 'json' };
import { API_VERSION, MIN_API_VERSION } from '../../api/api-version.ts';
import type { CliContext } from '../context.ts';
import { parseFlags } from '../flags.ts';
import { hostArchitecture } from '../../oci/platform.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  parseFlags(args, {}, path);
  const { version } = packageJson;
  const platform = `${process.platform}/${hostArchitecture()}`;
  context.out(
    `Client: wharf\n Version:           ${version}\n API version:       ${API_VERSION}\n Node version:      ${process.version}\n OS/Arch:           ${platform}\n\n` +
      `Engine: wharf (daemonless)\n Version:          ${version}\n API version:      ${API_VERSION} (minimum version ${MIN_API_VERSION})\n OS/Arch:          ${platform}\n`,
  );
  return 0;
}
