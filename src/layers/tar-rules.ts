// The path rules every layer entry must pass, as pure functions: clean names, no escape by `..`, hardlink or symlink; whiteouts.
import { InvalidContentError } from '../errors.ts';

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';

/**
 * Cleans a tar name the way Docker does (Go's filepath.Clean, then a join under the root): `./a//b/` → `a/b`, the root → ''.
 * A rooted name cannot climb above `/` (`/a/../../x` → `x`); a relative one that climbs above the root escapes: undefined.
 */
export function cleanPath(name: string): string | undefined {
  const rooted = name.startsWith('/');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
    else if (!rooted) return undefined;
  }
  return parts.join('/');
}

/** The cleaned path of an entry; throws when its name escapes the root. */
export function entryPath(name: string): string {
  const path = cleanPath(name);
  if (path === undefined) throw invalidEntry(name, 'escapes the root');
  return path;
}

/**
 * Docker checks link names with a plain join under a directory (`filepath.Join(root, linkname)`), where a leading `/`
 * does not stop `..` from climbing: so does this. Undefined when the result lands outside the root.
 */
function joinUnder(dir: string, linkname: string): string | undefined {
  const relative = linkname.replace(/^\/+/, '');
  return cleanPath(dir === '' ? relative : `${dir}/${relative}`);
}

/** A hardlink's target is a path from the layer root. */
export function hardlinkTarget(name: string, linkname: string): string {
  const target = joinUnder('', linkname);
  if (target === undefined || target === '') throw invalidEntry(name, `links to ${JSON.stringify(linkname)}, outside the root`);
  return target;
}

/**
 * A symlink may point anywhere inside the root, absolute targets included (they resolve inside the container's root at
 * run time); one whose target climbs out of the root from where the link sits is refused, as Docker refuses it.
 */
export function checkSymlinkTarget(name: string, path: string, linkname: string): void {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  if (joinUnder(dir, linkname) === undefined) throw invalidEntry(name, `is a symlink to ${JSON.stringify(linkname)}, outside the root`);
}

export type Whiteout =
  /** `dir/.wh..wh..opq`: hide everything lower layers put in `dir`. */
  | { kind: 'opaque'; dir: string }
  /** `dir/.wh.name`: delete `dir/name` from lower layers. */
  | { kind: 'remove'; path: string };

/** Recognises the OCI/AUFS whiteout markers; throws for a marker that names no file, or `.`/`..` (which would reach outside). */
export function whiteoutOf(name: string, path: string): Whiteout | undefined {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = slash < 0 ? '' : path.slice(0, slash);
  if (base === OPAQUE_WHITEOUT) return { kind: 'opaque', dir };
  const target = base.slice(WHITEOUT_PREFIX.length);
  if (target === '' || target === '.' || target === '..') throw invalidEntry(name, 'is a whiteout that names no file');
  return { kind: 'remove', path: dir === '' ? target : `${dir}/${target}` };
}

/** Types that Go's tar reader treats as header-only; a size on them would make tar-stream and Docker disagree on where the next header is. */
const HEADER_ONLY = new Set(['link', 'symlink', 'directory', 'character-device', 'block-device', 'fifo']);

export function checkDataSize(name: string, type: string, size: number): void {
  if (size > 0 && HEADER_ONLY.has(type)) throw invalidEntry(name, `is a ${type} that carries ${size} bytes of data`);
}

/** One line naming the entry, e.g. `invalid layer: entry "../etc/passwd" escapes the root`. */
export function invalidEntry(name: string, problem: string): InvalidContentError {
  return new InvalidContentError(`invalid layer: entry ${JSON.stringify(name)} ${problem}`);
}
