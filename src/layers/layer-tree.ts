// A model of the directory one layer unpacks to, to refuse writes through its symlinks and to size it as Docker does.
import { invalidEntry } from './tar-rules.ts';

/** What the filesystem would hold at a path; `other` is a file, device, fifo or whiteout. */
export type NodeKind = 'directory' | 'symlink' | 'other';

/** Hardlinked paths share one inode, so its size is counted once. */
export interface Inode {
  size: number;
}

interface Node {
  kind: NodeKind;
  inode?: Inode;
  children?: Map<string, Entry>;
}

/**
 * What a directory maps a name to. A file or symlink with an inode of its own is just a number, its size
 * (a symlink's as -(size + 1)): a layer of a million files then costs a Map entry each, not two objects.
 * A hardlinked inode, and a directory, are Nodes.
 */
type Entry = Node | number;

function kindOf(entry: Entry): NodeKind {
  if (typeof entry === 'number') return entry < 0 ? 'symlink' : 'other';
  return entry.kind;
}

function leaf(kind: NodeKind, inode: Inode | undefined, shared: boolean): Entry {
  if (shared || !inode) return { kind, inode };
  return kind === 'symlink' ? -(inode.size + 1) : inode.size;
}

/**
 * Applying entries in order, as Docker's unpacker does: a later entry replaces an earlier one at the same path (and all
 * under it) unless both are directories, and missing parents are made as directories.
 */
export class LayerTree {
  private readonly root: Node = { kind: 'directory', children: new Map() };

  /** Puts a directory, file, symlink, device or whiteout at `path`; `name` is the tar entry, for errors. */
  add(name: string, path: string, kind: NodeKind, inode?: Inode): void {
    this.put(name, path, kind, inode, false);
  }

  /** Makes the directories that hold `path`, refusing a symlink among them: an opaque marker needs no more. */
  ensureParents(name: string, path: string): void {
    this.parentOf(name, path);
  }

  /** Adds a hardlink at `path` sharing the inode at `target`; a target outside this layer (a lower one) adds no size. */
  link(name: string, path: string, target: string): void {
    const node = this.shareable(name, target);
    if (node?.kind === 'directory') throw invalidEntry(name, `is a hardlink to the directory ${JSON.stringify(target)}`);
    this.put(name, path, node?.kind ?? 'other', node?.inode, true);
  }

  /** moby's pkg/directory.Size over the unpacked layer: every distinct inode of a non-directory, counted once. */
  size(): number {
    const seen = new Set<Inode>();
    const stack: Node[] = [this.root];
    let total = 0;
    for (let node = stack.pop(); node; node = stack.pop()) {
      // a loop, not a spread: a directory may hold more children than a call takes arguments
      for (const child of node.children?.values() ?? []) {
        if (typeof child === 'number') total += child < 0 ? -child - 1 : child;
        else stack.push(child);
      }
      if (node.inode && node.inode.size > 0 && !seen.has(node.inode)) {
        seen.add(node.inode);
        total += node.inode.size;
      }
    }
    return total;
  }

  private put(name: string, path: string, kind: NodeKind, inode: Inode | undefined, shared: boolean): void {
    if (path === '') {
      if (kind !== 'directory') throw invalidEntry(name, 'would replace the root');
      return;
    }
    const { parent, base } = this.parentOf(name, path);
    const existing = parent.get(base);
    if (kind === 'directory' && existing !== undefined && kindOf(existing) === 'directory') return;
    parent.set(base, kind === 'directory' ? { kind, children: new Map() } : leaf(kind, inode, shared));
  }

  /** The directory that holds `path`, made as needed; refuses a path that goes through a symlink or a file. */
  private parentOf(name: string, path: string): { parent: Map<string, Entry>; base: string } {
    const parts = path.split('/');
    const base = parts.pop()!;
    let dir = this.root.children!;
    for (let i = 0; i < parts.length; i++) {
      let child = dir.get(parts[i]);
      if (child === undefined) dir.set(parts[i], (child = { kind: 'directory', children: new Map() }));
      this.requireDirectory(name, child, parts, i + 1);
      dir = (child as Node).children!;
    }
    return { parent: dir, base };
  }

  /** The node at `path` when this layer made it, turned into a Node so a hardlink can share its inode. */
  private shareable(name: string, path: string): Node | undefined {
    let dir: Map<string, Entry> | undefined = this.root.children;
    const parts = path.split('/');
    for (let i = 0; i < parts.length && dir; i++) {
      const entry = dir.get(parts[i]);
      if (entry === undefined) return undefined;
      if (i === parts.length - 1) {
        if (typeof entry !== 'number') return entry;
        const node: Node = { kind: kindOf(entry), inode: { size: entry < 0 ? -entry - 1 : entry } };
        dir.set(parts[i], node);
        return node;
      }
      this.requireDirectory(name, entry, parts, i + 1);
      dir = (entry as Node).children;
    }
    return undefined;
  }

  /** `parts[0..depth)` name the entry; joined only for the error, to keep the walk linear. */
  private requireDirectory(name: string, entry: Entry, parts: string[], depth: number): void {
    const kind = kindOf(entry);
    if (kind === 'directory') return;
    const at = JSON.stringify(parts.slice(0, depth).join('/'));
    throw invalidEntry(name, kind === 'symlink' ? `goes through the symlink ${at}` : `goes through ${at}, which is not a directory`);
  }
}
