// An image from a container's changes (its overlay's upper directory as a layer), the container paused meanwhile unless asked not to: for `wharf commit` and POST /commit.
import type { Digest } from '../../digest/digest.ts';
import { commitImage } from '../../images/commit.ts';
import { familiar, tagName } from '../../images/names.ts';
import { upperLayerTar } from '../../snapshots/overlay-upper.ts';
import type { Store } from '../../store/store.ts';
import { containerDir, type ContainerRecord, recordContainerEvent } from './container-store.ts';
import { whilePaused } from './pause.ts';

export interface ContainerCommitOptions {
  author?: string;
  message?: string;
  /** Dockerfile instructions applied to the config (`-c 'CMD ["sh"]'`). */
  changes: string[];
  /** REPOSITORY[:TAG] to name the image. */
  tag?: string;
  /** False to commit a running container without pausing it. */
  pause: boolean;
}

export async function commitContainer(store: Store, record: ContainerRecord, options: ContainerCommitOptions): Promise<Digest> {
  const commit = async () => commitImage(store, {
    baseImageId: record.imageId as Digest,
    containerId: record.id,
    containerConfig: { ...record.settings.config },
    layer: await upperLayerTar(containerDir(store, record.id)),
    author: options.author,
    message: options.message,
    changes: options.changes,
    tag: options.tag,
  });
  const id = await (options.pause ? whilePaused(store, record, commit) : commit());
  recordContainerEvent(store, record, 'commit', { comment: options.message ?? '', imageID: id, imageRef: options.tag ? familiar(tagName(options.tag)) : '' });
  return id;
}
