// Unpacks one uncompressed layer tar into a directory: files, links, devices, owners, modes, times, xattrs, and whiteouts either kept as overlayfs markers or applied.
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, readdir, rm, symlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { entryPath, hardlinkTarget, whiteoutOf } from '../layers/tar-rules.ts';
import { resolveParentInRoot } from './resolve-in-root.ts';
import { applySpecialOps, type SpecialOp } from './special-files.ts';

export interface ApplyOptions {
  /**
   * `overlay`: the directory is this layer's own snapshot, a lower dir of overlay mounts, so whiteouts become overlayfs's
   * markers (a 0:0 character device, the `trusted.overlay.opaque` xattr). `apply`: the directory holds the layers below,
   * merged, and whiteouts delete from it. `none`: `.wh.` names are plain files (`docker cp` extracts them as such).
   */
  whiteouts: 'overlay' | 'apply' | 'none';
  /** A directory of the root (relative, resolved in it like every entry) that the entries land in; the root itself by default. */
  under?: string;
  /** The owner every node gets instead of its entry's (`docker cp` without `-a`). */
  owner?: { uid: number; gid: number };
}

type Header = tar.Header & { pax?: Record<string, string> };

interface DirectoryMeta {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
}

const XATTR_PREFIX = 'SCHILY.xattr.';

/** Every entry passed the tar rules when the layer was stored; paths are still resolved chroot-style so a lower layer's symlink cannot lead out. */
export async function applyLayer(tarStream: Readable, root: string, options: ApplyOptions): Promise<void> {
  const applier = new LayerApplier(root, options);
  const extract = tar.extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  const entries = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      // the extract's own error is the one reported
      body.on('error', () => undefined);
      applier.entry(header as Header, body as unknown as Readable).then(() => next(), (error) => {
        body.resume();
        extract.destroy(error);
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      if (extract.write(chunk)) done();
      else extract.once('drain', () => done());
    },
    final(done) {
      extract.end(null);
      done();
    },
  });
  const outcomes = await Promise.allSettled([
    // the entries' own error first: a failed entry stops the feed, whose error then only says it was cut
    entries.catch((error) => {
      tarStream.destroy();
      throw error;
    }),
    pipeline(tarStream, sink).catch((error) => {
      extract.destroy(error);
      throw error;
    }),
  ]);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  await applier.finish();
}

class LayerApplier {
  private readonly special: SpecialOp[] = [];
  private readonly specialPaths = new Set<string>();
  private readonly directories = new Map<string, DirectoryMeta>();
  /** Paths this layer wrote: an opaque marker hides only what lower layers put beside them. */
  private readonly written = new Set<string>();
  private readonly root: string;
  private readonly options: ApplyOptions;
  private readonly under: string;

  constructor(root: string, options: ApplyOptions) {
    this.root = root;
    this.options = options;
    this.under = (options.under ?? '').replace(/^\/+|\/+$/g, '');
  }

  async entry(header: Header, body: Readable): Promise<void> {
    const path = this.placed(entryPath(header.name));
    const whiteout = this.options.whiteouts === 'none' ? undefined : whiteoutOf(header.name, path);
    if (whiteout?.kind === 'opaque') await this.opaque(whiteout.dir);
    else if (whiteout) await this.remove(whiteout.path);
    else await this.create(path, header, body);
    body.resume();
  }

  async finish(): Promise<void> {
    await applySpecialOps(this.special);
    // deepest first, after every entry inside them is written, so the times stick
    const directories = [...this.directories.values()].sort((a, b) => b.path.length - a.path.length);
    for (const dir of directories) {
      await lchown(dir.path, dir.uid, dir.gid);
      await chmod(dir.path, dir.mode);
      await utimes(dir.path, dir.mtime, dir.mtime);
    }
  }

  private async create(path: string, header: Header, body: Readable): Promise<void> {
    // the root itself can only be a directory: anything else named `./` is ignored, as Docker ignores it
    if (path === this.under && header.type !== 'directory') return;
    const target = path === '' ? this.root : await this.prepareParent(path);
    this.written.add(path);
    const mode = (header.mode ?? 0o644) & 0o7777;
    const { uid, gid } = this.options.owner ?? { uid: header.uid ?? 0, gid: header.gid ?? 0 };
    const mtime = header.mtime ?? new Date(0);
    if (header.type === 'directory') {
      if (!(await isDirectory(target))) {
        await rm(target, { recursive: true, force: true });
        await mkdir(target);
      }
      this.directories.set(target, { path: target, mode, uid, gid, mtime });
    } else {
      await rm(target, { recursive: true, force: true });
      if (!(await this.createNonDirectory(target, header, body, { mode, uid, gid, mtime }))) return;
    }
    this.queueXattrs(target, header);
  }

  /** false when the node is left to the special-file batch, which sets its owner, mode and time itself. */
  private async createNonDirectory(target: string, header: Header, body: Readable, meta: Omit<DirectoryMeta, 'path'>): Promise<boolean> {
    switch (header.type) {
      case 'symlink':
        await symlink(header.linkname ?? '', target);
        break;
      case 'link': {
        const source = resolveParentInRoot(this.root, this.placed(hardlinkTarget(header.name, header.linkname ?? '')));
        if (this.specialPaths.has(source)) {
          this.queue({ op: 'link', path: target, target: source });
          return false;
        }
        await link(source, target);
        return false;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        const kind = header.type === 'fifo' ? 'fifo' : header.type === 'block-device' ? 'block' : 'char';
        this.queue({ op: 'mknod', path: target, kind, mode: meta.mode, major: header.devmajor ?? 0, minor: header.devminor ?? 0, uid: meta.uid, gid: meta.gid, mtime: meta.mtime.getTime() / 1000 });
        return false;
      }
      default:
        await pipeline(body, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    }
    await lchown(target, meta.uid, meta.gid);
    if (header.type !== 'symlink') await chmod(target, meta.mode);
    await lutimes(target, meta.mtime, meta.mtime);
    return true;
  }

  private async remove(path: string): Promise<void> {
    const target = await this.prepareParent(path);
    await rm(target, { recursive: true, force: true });
    if (this.options.whiteouts === 'overlay') {
      this.queue({ op: 'whiteout', path: target });
    }
  }

  private async opaque(dir: string): Promise<void> {
    const target = dir === '' ? this.root : await this.prepareParent(dir);
    await mkdir(target, { recursive: true });
    if (this.options.whiteouts === 'overlay') {
      this.queue({ op: 'xattr', path: target, name: 'trusted.overlay.opaque', value: 'y' });
      return;
    }
    for (const name of await readdir(target)) {
      const child = dir === '' ? name : `${dir}/${name}`;
      if (!this.written.has(child)) await rm(join(target, name), { recursive: true, force: true });
    }
  }

  /** A cleaned entry path as a path of the root. */
  private placed(path: string): string {
    if (this.under === '') return path;
    return path === '' ? this.under : `${this.under}/${path}`;
  }

  /** The entry's host path, its parents resolved in the root and created as plain directories where missing. */
  private async prepareParent(path: string): Promise<string> {
    const target = resolveParentInRoot(this.root, path);
    await mkdir(dirname(target), { recursive: true });
    return target;
  }

  private queueXattrs(target: string, header: Header): void {
    for (const [key, value] of Object.entries(header.pax ?? {})) {
      if (key.startsWith(XATTR_PREFIX)) this.queue({ op: 'xattr', path: target, name: key.slice(XATTR_PREFIX.length), value: String(value) });
    }
  }

  private queue(op: SpecialOp): void {
    this.special.push(op);
    if (op.op !== 'xattr') this.specialPaths.add(op.path);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
