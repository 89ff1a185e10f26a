// The path rules every layer entry must pass: no escaping the root by `..`, by hardlink, or by writing through a symlink.
import { InvalidContentError } from '../errors.ts';

/** `./a//b/` → `a/b`; a leading `/` is relative to the layer root, as Docker treats it. Undefined when it escapes. */
export function cleanEntryPath(name: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

export function isWhiteout(path: string): boolean {
  return baseName(path).startsWith('.wh.');
}

export function isOpaqueWhiteout(path: string): boolean {
  return baseName(path) === '.wh..wh..opq';
}

/** Remembers the symlinks a layer has made, to refuse later entries that would be written through one. */
export class SymlinkTracker {
  private readonly links = new Set<string>();

  /** Throws when an ancestor of `path` is a symlink this layer created. */
  checkParents(path: string, entry: string): void {
    let slash = path.indexOf('/');
    while (slash >= 0) {
      if (this.links.has(path.slice(0, slash))) throw invalidLayer(entry, 'is written through a symlink');
      slash = path.indexOf('/', slash + 1);
    }
  }

  record(path: string, isSymlink: boolean): void {
    if (isSymlink) this.links.add(path);
    else this.links.delete(path);
  }
}

export function requireInside(name: string): string {
  const path = cleanEntryPath(name);
  if (path === undefined) throw invalidLayer(name, 'escapes the root');
  return path;
}

export function invalidLayer(entry: string, problem: string): InvalidContentError {
  return new InvalidContentError(`invalid layer: entry ${JSON.stringify(entry)} ${problem}`);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
