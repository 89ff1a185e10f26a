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
  children?: Map<string, Node>;
}

/**
 * Applying entries in order, as Docker's unpacker does: a later entry replaces an earlier one at the same path (and all
 * under it) unless both are directories, and missing parents are made as directories.
 */
export class LayerTree {
  private readonly root: Node = { kind: 'directory', children: new Map() };

  /** Puts a directory, file, symlink, device or whiteout at `path`; `name` is the tar entry, for errors. */
  add(name: string, path: string, kind: NodeKind, inode?: Inode): void {
    if (path === '') {
      if (kind !== 'directory') throw invalidEntry(name, 'would replace the root');
      return;
    }
    const { parent, base } = this.parentOf(name, path);
    const existing = parent.get(base);
    if (kind === 'directory' && existing?.kind === 'directory') return;
    parent.set(base, kind === 'directory' ? { kind, children: new Map() } : { kind, inode });
  }

  /** Makes the directories that hold `path`, refusing a symlink among them: an opaque marker needs no more. */
  ensureParents(name: string, path: string): void {
    this.parentOf(name, path);
  }

  /** Adds a hardlink at `path` sharing the inode at `target`; a target outside this layer (a lower one) adds no size. */
  link(name: string, path: string, target: string): void {
    const node = this.find(name, target);
    if (node?.kind === 'directory') throw invalidEntry(name, `is a hardlink to the directory ${JSON.stringify(target)}`);
    this.add(name, path, node?.kind ?? 'other', node?.inode);
  }

  /** moby's pkg/directory.Size over the unpacked layer: every distinct inode of a non-directory, counted once. */
  size(): number {
    const seen = new Set<Inode>();
    const stack: Node[] = [this.root];
    let total = 0;
    for (let node = stack.pop(); node; node = stack.pop()) {
      // a loop, not a spread: a directory may hold more children than a call takes arguments
      for (const child of node.children?.values() ?? []) stack.push(child);
      if (node.inode && node.inode.size > 0 && !seen.has(node.inode)) {
        seen.add(node.inode);
        total += node.inode.size;
      }
    }
    return total;
  }

  /** The directory that holds `path`, made as needed; refuses a path that goes through a symlink or a file. */
  private parentOf(name: string, path: string): { parent: Map<string, Node>; base: string } {
    const parts = path.split('/');
    const base = parts.pop()!;
    let dir = this.root.children!;
    for (let i = 0; i < parts.length; i++) {
      let child = dir.get(parts[i]);
      if (!child) dir.set(parts[i], (child = { kind: 'directory', children: new Map() }));
      this.requireDirectory(name, child, parts, i + 1);
      dir = child.children!;
    }
    return { parent: dir, base };
  }

  /** The node at `path` when this layer made it; undefined when it comes from a lower layer. */
  private find(name: string, path: string): Node | undefined {
    let node: Node | undefined = this.root;
    const parts = path.split('/');
    for (let i = 0; i < parts.length && node; i++) {
      if (i > 0) this.requireDirectory(name, node, parts, i);
      node = node.children?.get(parts[i]);
    }
    return node;
  }

  /** `parts[0..depth)` name the node; joined only for the error, to keep the walk linear. */
  private requireDirectory(name: string, node: Node, parts: string[], depth: number): void {
    if (node.kind === 'directory') return;
    const at = JSON.stringify(parts.slice(0, depth).join('/'));
    throw invalidEntry(name, node.kind === 'symlink' ? `goes through the symlink ${at}` : `goes through ${at}, which is not a directory`);
  }
}
