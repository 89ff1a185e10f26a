// Names inside image archives: entry names as the archive's manifests refer to them, and where links point.

/** `./a/b/`, `/a/b` and `a/b` name the same entry. */
export function archiveEntryName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

/** A symlink's target as an entry name, relative to the link's own directory (an absolute one, to the archive's top). */
export function symlinkTargetName(link: string, target: string): string {
  if (target.startsWith('/')) return archiveEntryName(target);
  const parts = link.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

/** Follows links from `name`, at most 16 hops: a loop ends on a name no file has. */
export function followLinks(links: Map<string, string>, name: string): string {
  let resolved = name;
  for (let hops = 0; links.has(resolved) && hops < 16; hops++) resolved = links.get(resolved)!;
  return resolved;
}
