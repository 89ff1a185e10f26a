// `export`'s core: the container's whole filesystem (its merged root, running or not) as a tar.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { packEntries, walkTree } from '../../layers/directory-tar.ts';
import type { Store } from '../../store/store.ts';
import { type ContainerRecord, recordContainerEvent } from './container-store.ts';
import { withContainerRootfs } from './rootfs.ts';

/** `end: false` leaves `output` open (the CLI's stdout). */
export async function exportContainer(store: Store, record: ContainerRecord, output: Writable, options: { end: boolean }): Promise<void> {
  await withContainerRootfs(store, record, (rootfs) => pipeline(packEntries(walkTree(rootfs)), output, options));
  recordContainerEvent(store, record, 'export');
}
