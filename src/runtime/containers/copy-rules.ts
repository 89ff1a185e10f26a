// docker cp's path rules as pure functions: the name a source's entries carry and where they land at a destination (moby's archive.PrepareArchiveCopy).
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../errors.ts';

export interface CopySource {
  /** The name of the top entry: the path's last component, or `.` when only the contents go. */
  name: string;
  isDirectory: boolean;
}

export interface CopyDestination {
  path: string;
  exists: boolean;
  isDirectory: boolean;
}

/** Extract in `dir`, the source's top entry named `name` (its children under it). */
export interface CopyTarget {
  dir: string;
  name: string;
}

/** `dir/.` (and the root) copies what is in the directory, not the directory. */
export function copiesContents(path: string): boolean {
  return path === '.' || path.endsWith('/.') || /^\/+$/.test(path);
}

/** A trailing `/` or `/.` says the path is a directory: a symlink there is followed, and a file cannot be created there. */
export function namesDirectory(path: string): boolean {
  return path.endsWith('/') || copiesContents(path);
}

export function sourceName(path: string): string {
  return copiesContents(path) ? '.' : posix.basename(path);
}

/** An existing directory takes the source in; anything else is replaced by, or created as, the source under its own name. */
export function planCopy(source: CopySource, destination: CopyDestination): CopyTarget {
  if (destination.exists && destination.isDirectory) return { dir: destination.path, name: source.name };
  if (destination.exists && source.isDirectory) throw clientError('cannot copy directory');
  if (!destination.exists && !source.isDirectory && namesDirectory(destination.path)) throw clientError('no such directory');
  return { dir: posix.dirname(destination.path), name: posix.basename(destination.path) };
}

/** docker/cli finds these before asking the daemon: printed bare. */
export function clientError(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, { fromDaemon: false });
}
