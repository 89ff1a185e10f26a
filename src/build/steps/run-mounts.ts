// RUN's --mount flags as BuildKit reads them (cache, bind, secret, tmpfs): the run container's mounts, the part of them the step's cache key holds, and the mount stubs taken back out of the layer.
import { chownSync, cpSync, lstatSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../errors.ts';
import { containerPaths, readRootfsRecord } from '../../snapshots/snapshotter.ts';
import { resolveInRoot } from '../../snapshots/resolve-in-root.ts';
import type { Store } from '../../store/store.ts';
import type { BuildContext } from '../context/build-context.ts';
import { hashSources, resolveSources } from '../context/sources.ts';
import { useCacheMount } from '../cache-mounts.ts';
import { parseBool } from '../dockerfile/flags.ts';

export interface MountSources {
  store: Store;
  context: BuildContext;
  /** A stage's or image's root, for `from=`, with the image ID that names its content; closed with the mounts. */
  openRoot(reference: string): Promise<{ root: string; imageId: string; close(): Promise<void> }>;
  /** `--secret id=…`: each secret's value. */
  secrets: Map<string, Buffer>;
}

export interface PreparedMounts {
  /** Docker `--mount` specs for the run container. */
  specs: string[];
  /** For the cache key and history: each flag as written, with what its content is (a bind's hash, a from's image). */
  keys: string[];
  targets: string[];
  close(): Promise<void>;
}

type Fields = Record<string, string | undefined>;

export async function prepareRunMounts(flags: string[], sources: MountSources): Promise<PreparedMounts> {
  const prepared: PreparedMounts = { specs: [], keys: [], targets: [], close: async () => {} };
  const closers: Array<() => Promise<void>> = [];
  prepared.close = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    for (const flag of flags) await prepareOne(flag, parseFields(flag), sources, prepared, closers);
    return prepared;
  } catch (error) {
    await prepared.close();
    throw error;
  }
}

function parseFields(flag: string): Fields {
  const fields: Fields = {};
  for (const field of flag.split(',')) {
    const equals = field.indexOf('=');
    fields[(equals < 0 ? field : field.slice(0, equals)).toLowerCase()] = equals < 0 ? 'true' : field.slice(equals + 1);
  }
  fields.target ??= fields.dst ?? fields.destination;
  fields.source ??= fields.src;
  return fields;
}

async function prepareOne(flag: string, fields: Fields, sources: MountSources, prepared: PreparedMounts, closers: Array<() => Promise<void>>): Promise<void> {
  const type = fields.type ?? 'bind';
  if (type === 'secret') return prepareSecret(fields, sources, prepared, closers);
  const target = fields.target;
  if (!target) throw new InvalidArgumentError(`--mount=${flag}: target is required`);
  const absolute = posix.resolve('/', target);
  prepared.targets.push(absolute);
  if (type === 'tmpfs') {
    prepared.specs.push(`type=tmpfs,target=${absolute}${fields.size ? `,tmpfs-size=${fields.size}` : ''}`);
    prepared.keys.push(`--mount=${flag}`);
  } else if (type === 'cache') {
    const cache = useCacheMount(sources.store, fields.id ?? absolute, { mode: parseInt(fields.mode ?? '755', 8), uid: Number(fields.uid ?? 0), gid: Number(fields.gid ?? 0) });
    closers.push(async () => cache.release());
    const dir = cache.dir;
    prepared.specs.push(`type=bind,source=${dir},target=${absolute}${isTrue(fields.ro ?? fields.readonly) ? ',readonly' : ''}`);
    prepared.keys.push(`--mount=${flag}`);
  } else if (type === 'bind') {
    const bind = await bindSource(fields, sources, closers);
    prepared.specs.push(`type=bind,source=${bind.path},target=${absolute}${bind.writable ? '' : ',readonly'}`);
    prepared.keys.push(`--mount=${flag}#${bind.content}`);
  } else {
    throw new InvalidArgumentError(`--mount=${flag}: mount type ${type} is not supported by wharf (bind, cache, secret or tmpfs)`);
  }
}

/** The context (or `from=`'s root) at `source`, resolved inside it; read-only unless `rw`, whose writes go to a copy BuildKit also throws away. */
async function bindSource(fields: Fields, sources: MountSources, closers: Array<() => Promise<void>>): Promise<{ path: string; writable: boolean; content: string }> {
  const source = fields.source ?? '.';
  let root = sources.context.root;
  let content: string;
  if (fields.from) {
    const opened = await sources.openRoot(fields.from);
    closers.push(opened.close);
    root = opened.root;
    content = `${opened.imageId}:${source}`;
  } else {
    content = await hashSources(sources.context, await resolveSources(sources.context, [source], 'RUN'));
  }
  const path = resolveInRoot(root, source);
  const writable = isTrue(fields.rw ?? fields.readwrite);
  if (!writable) return { path, writable, content };
  const copy = mkdtempSync(join(tmpdir(), 'wharf-bind-'));
  closers.push(async () => rmSync(copy, { recursive: true, force: true }));
  const copied = join(copy, 'source');
  cpSync(path, copied, { recursive: true, verbatimSymlinks: true });
  return { path: copied, writable, content };
}

/** `--mount=type=secret,id=x[,target=…][,required]`: the value as a read-only file, never part of the cache key or the layer. */
function prepareSecret(fields: Fields, sources: MountSources, prepared: PreparedMounts, closers: Array<() => Promise<void>>): void {
  const id = fields.id ?? (fields.target ? posix.basename(fields.target) : undefined);
  if (!id) throw new InvalidArgumentError('--mount=type=secret needs an id or a target');
  const value = sources.secrets.get(id);
  if (value === undefined) {
    if (isTrue(fields.required)) throw new NotFoundError(`secret ${id} not found`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wharf-secret-'));
  closers.push(async () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'value');
  writeFileSync(file, value, { mode: Number.parseInt(fields.mode ?? '400', 8) });
  chownSync(file, Number(fields.uid ?? 0), Number(fields.gid ?? 0));
  const target = posix.resolve('/', fields.target ?? `/run/secrets/${id}`);
  prepared.targets.push(target);
  prepared.specs.push(`type=bind,source=${file},target=${target},readonly`);
  prepared.keys.push(`--mount=type=secret,id=${id}`);
}

/** A mount field (`readonly`, `rw=true`, `required`): bare keys were read as `true`. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && parseBool(value);
}

/**
 * The runtime made each mount's target (and missing parents) in the container's upper dir; what the image did not
 * have is taken out again, as BuildKit removes its mount stubs, so the layer holds only what the command wrote.
 */
export function removeMountStubs(containerDir: string, targets: string[]): void {
  const { upperDir } = containerPaths(containerDir);
  const { lowerDirs } = readRootfsRecord(containerDir);
  const inImage = (relative: string) => lowerDirs.some((dir) => exists(join(dir, relative)));
  for (const target of targets) {
    let relative = target.replace(/^\/+/, '');
    while (relative && relative !== '.' && !inImage(relative) && isEmptyStub(join(upperDir, relative))) {
      rmSync(join(upperDir, relative), { recursive: false, force: true });
      relative = posix.dirname(relative);
    }
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isEmptyStub(path: string): boolean {
  try {
    const stats = lstatSync(path);
    if (stats.isDirectory()) {
      if (readdirSync(path).length) return false;
      rmdirSync(path);
      return true;
    }
    return stats.isFile() && stats.size === 0;
  } catch {
    return false;
  }
}
