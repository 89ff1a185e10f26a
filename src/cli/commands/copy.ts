// `wharf copy [--all] [--platform os/arch[/variant]] [-q] SRC DST`: an image between any two locations, with skopeo's lines.
import { loadCredentials } from '../../registry/client/auth/credentials.ts';
import { digestHex } from '../../digest/digest.ts';
import { WharfError } from '../../errors.ts';
import { copyBetween } from '../../images/copy-between.ts';
import { isIndexMediaType } from '../../oci/media-types.ts';
import { parsePlatform } from '../../oci/platform.ts';
import type { CopyEvent } from '../../transports/copy.ts';
import { parseImageLocation, type ImageLocation } from '../../transports/transport-name.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

const USAGE = 'copy [OPTIONS] SOURCE-IMAGE DESTINATION-IMAGE\n\nSOURCE-IMAGE and DESTINATION-IMAGE: docker://REF, docker-archive:FILE[:REF], oci:DIR[:TAG], wharf:REF or a local image name';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    all: { type: 'boolean', short: 'a' },
    platform: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  }, path);
  requireArgs(positionals, { min: 2, max: 2 }, path, USAGE);
  const from = location(positionals[0], 'source');
  const to = location(positionals[1], 'destination');
  const platform = values.platform === undefined ? undefined : parsePlatform(values.platform as string);
  const say = values.quiet === true ? () => undefined : (line: string) => context.out(`${line}\n`);
  let listed = 0;
  let copied = 0;
  try {
    await copyBetween(from, to, {
      all: values.all === true,
      platform,
      store: () => context.store(),
      credentials: (registry) => loadCredentials(registry, context.env),
      onList: (count) => {
        listed = count;
        say(`Copying ${count} of ${count} images in list`);
      },
      onEvent: (event) => {
        if (listed > 0 && event.type === 'manifest-resolved') say(`Copying image ${event.manifest.digest} (${++copied}/${listed})`);
        const line = progressLine(event);
        if (line) say(line);
      },
    });
  } catch (error) {
    throw asClientError(error);
  }
  return 0;
}

/** skopeo's lines, as it prints them when not on a terminal. */
function progressLine(event: CopyEvent): string | undefined {
  switch (event.type) {
    case 'blob-started':
      return `Copying ${event.kind === 'config' ? 'config' : 'blob'} ${event.descriptor.digest}`;
    case 'blob-skipped':
      return `Copying ${event.kind === 'config' ? 'config' : 'blob'} ${digestHex(event.descriptor.digest).slice(0, 12)} skipped: already exists`;
    case 'manifest-written':
      return isIndexMediaType(event.manifest.mediaType) ? 'Writing manifest list to image destination' : 'Writing manifest to image destination';
    default:
      return undefined;
  }
}

/** skopeo's `Invalid source name X: …`; the location's own message says what is wrong with it. */
function location(name: string, side: 'source' | 'destination'): ImageLocation {
  try {
    return parseImageLocation(name);
  } catch (error) {
    if (!(error instanceof WharfError)) throw error;
    throw new WharfError(`Invalid ${side} name ${name}: ${error.message}`, { exitCode: error.exitCode, cause: error, fromDaemon: false });
  }
}

/** copy runs no daemon, so nothing it reports is prefixed `Error response from daemon:`. */
function asClientError(error: unknown): unknown {
  if (!(error instanceof WharfError) || !error.fromDaemon) return error;
  return new WharfError(error.message, { exitCode: error.exitCode, cause: error, fromDaemon: false });
}
