// `restart`'s core: stop (as `stop` does, a stopped container needing none), then start again and wait until the runtime has the process.
import { WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { waitForStart } from '../monitor/attach-client.ts';
import { containerDir, type ContainerRecord, recordContainerEvent, resolveContainer } from './container-store.ts';
import { stopContainer } from './lifecycle.ts';
import { startContainer } from './start.ts';

/** `reference` is the name the user gave, which dockerd's error repeats. */
export async function restartContainer(store: Store, record: ContainerRecord, options: { timeoutSeconds?: number; signal?: string }, reference = record.name): Promise<void> {
  await stopContainer(store, record, options);
  // the stop changed the record: the start reads it afresh
  await startContainer(store, resolveContainer(store, record.id), { waitForAttach: false });
  const status = await waitForStart(containerDir(store, record.id));
  if (status.error) throw new WharfError(`Cannot restart container ${reference}: ${status.error}`);
  recordContainerEvent(store, record, 'restart');
}
