// Takes an overlay upper dir over as the snapshot of the layer just committed from it (both hold overlayfs's format), so the next step or container need not unpack what was just packed.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import type { Digest } from '../digest/digest.ts';
import type { Store } from '../store/store.ts';
import { snapshotPath } from './snapshot-store.ts';

/** Markers overlayfs leaves on an upper dir for its own bookkeeping; only `opaque` means something in a lower dir. */
const BOOKKEEPING_XATTR = /^trusted\.overlay\.(?!opaque$)/;

/**
 * Call with the overlay unmounted. True when the upper dir became the snapshot of `chainId`; false when it was empty or
 * the snapshot exists already (made by another process meanwhile: the first rename wins), and the caller removes it.
 */
export async function adoptUpperDir(store: Store, upperDir: string, chainId: Digest): Promise<boolean> {
  const target = snapshotPath(store, chainId);
  if (existsSync(target) || readdirSync(upperDir).length === 0) return false;
  await dropBookkeepingXattrs(upperDir);
  try {
    renameSync(upperDir, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(target)) return false;
    throw error;
  }
}

/** origin, impure, nlink …: one getfattr over the tree, then one setfattr per attribute found (they are rare: renames, hardlinks). */
async function dropBookkeepingXattrs(dir: string): Promise<void> {
  const dump = await output('getfattr', ['-R', '-h', '--absolute-names', '-m', '^trusted\\.overlay\\.', dir]);
  let file = '';
  const removals: Array<[string, string]> = [];
  for (const line of dump.split('\n')) {
    if (line.startsWith('# file: ')) file = line.slice('# file: '.length);
    else if (BOOKKEEPING_XATTR.test(line)) removals.push([file, line.split('=')[0]]);
  }
  for (const [path, name] of removals) await output('setfattr', ['-h', '-x', name, '--', path]);
}

function output(program: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}
