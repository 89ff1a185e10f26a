// `wharf cp [-a] [-L] [-q] CONTAINER:SRC_PATH DEST_PATH|-` and `wharf cp [-a] [-L] [-q] SRC_PATH|- CONTAINER:DEST_PATH`: files between a container and the host.
import { resolve } from 'node:path';
import { archiveFromContainer, type CopyOptions, type CopyReport, copyFromContainer, copyToContainer, extractToContainer } from '../../runtime/containers/container-copy.ts';
import { clientError } from '../../runtime/containers/copy-rules.ts';
import type { Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { humanSize } from '../format/units.ts';

interface CopyArg {
  container?: string;
  path: string;
}

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    archive: { type: 'boolean', short: 'a' },
    'follow-link': { type: 'boolean', short: 'L' },
    quiet: { type: 'boolean', short: 'q' },
  }, path);
  requireArgs(positionals, { min: 2, max: 2 }, path, `${path} [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\twharf ${path} [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH`);
  if (positionals[0] === '') throw clientError('source can not be empty');
  if (positionals[1] === '') throw clientError('destination can not be empty');
  const [source, destination] = positionals.map(splitCopyArg);
  const options: CopyOptions = { followLink: values['follow-link'] === true, keepOwners: values.archive === true };
  // docker/cli reports only to a terminal, unless told either way
  const quiet = (values.quiet as boolean | undefined) ?? !context.stdout.isTTY;
  const store = await context.store();
  const report = await copy(context, store, source, destination, options);
  if (report && !quiet) context.err(`Successfully copied ${humanSize(report.bytes)} to ${report.destination}\n`);
  return 0;
}

/** undefined when the copy went to stdout, which docker/cli leaves without a report. */
async function copy(context: CliContext, store: Store, source: CopyArg, destination: CopyArg, options: CopyOptions): Promise<CopyReport | undefined> {
  if (source.container !== undefined && destination.container !== undefined) throw clientError('copying between containers is not supported');
  if (source.container !== undefined) {
    if (destination.path === '-') {
      await archiveFromContainer(store, source.container, source.path, context.stdout, options);
      return undefined;
    }
    return copyFromContainer(store, source.container, source.path, localPath(destination.path), options);
  }
  if (destination.container === undefined) throw clientError('must specify at least one container source');
  if (source.path === '-') {
    await extractToContainer(store, destination.container, context.stdin, destination.path, options);
    // docker/cli counts only the bytes of a tar it made itself
    return { bytes: 0, destination: `${destination.container}:${destination.path}` };
  }
  const report = await copyToContainer(store, destination.container, localPath(source.path), destination.path, options);
  return { ...report, destination: `${destination.container}:${report.destination}` };
}

/**
 * `CONTAINER:PATH`, unless the argument is a local path: absolute, without a `:`, or starting with `.` (`./a:b`), as
 * docker/cli tells them apart.
 */
function splitCopyArg(arg: string): CopyArg {
  const colon = arg.indexOf(':');
  if (arg.startsWith('/') || colon < 0 || arg.startsWith('.')) return { path: arg };
  return { container: arg.slice(0, colon) || undefined, path: arg.slice(colon + 1) };
}

/** Absolute, keeping a trailing `/` or `/.`, which the copy rules read. */
function localPath(path: string): string {
  const absolute = resolve(path);
  if ((path === '.' || path.endsWith('/.')) && !absolute.endsWith('/.')) return `${absolute === '/' ? '' : absolute}/.`;
  if (path.endsWith('/') && !absolute.endsWith('/')) return `${absolute}/`;
  return absolute;
}
