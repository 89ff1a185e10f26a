// GET /system/df: the store's images, containers, volumes and build cache with their sizes, from which `docker system df`
// works out its table as wharf's own `system df` does.
import { cacheMountUsage } from '../build/cache-mounts.ts';
import { diskUsage } from '../images/disk-usage.ts';
import { containerUsage } from '../runtime/containers/disk-usage.ts';
import { volumeUsage } from '../runtime/volumes/volume-store.ts';
import { sendJson } from './api-errors.ts';
import type { ApiRequest, Route } from './api-routes.ts';
import { containerSummary } from './container-routes.ts';
import { imageSummary } from './image-routes.ts';

async function systemDf({ response, store }: ApiRequest): Promise<void> {
  const { images, layersSize } = diskUsage(store);
  const now = Date.now();
  sendJson(response, 200, {
    LayersSize: layersSize,
    Images: await Promise.all(images.map(async (usage) => ({ ...(await imageSummary(store, usage.record)), SharedSize: usage.sharedSize, Containers: usage.containers }))),
    Containers: containerUsage(store).map((usage) => ({
      ...containerSummary(usage.record, now),
      SizeRw: usage.sizeRw,
      // docker/cli counts a container's local volumes from its mounts
      Mounts: Array.from({ length: usage.localVolumes }, () => ({ Type: 'volume', Driver: 'local' })),
    })),
    Volumes: volumeUsage(store).map(({ volume, links, size }) => ({
      Name: volume.name, Driver: volume.driver, Mountpoint: volume.mountpoint, CreatedAt: volume.created, Labels: volume.labels ?? {}, Scope: 'local', Options: volume.options ?? {},
      UsageData: { Size: size, RefCount: links },
    })),
    BuildCache: cacheMountUsage(store).map((entry) => ({
      ID: entry.id, Type: 'exec.cachemount', Description: 'cached mount', InUse: entry.inUse, Shared: false, Size: entry.size,
      CreatedAt: entry.created.toISOString(), LastUsedAt: entry.lastUsed.toISOString(), UsageCount: 1,
    })),
  });
}

export const DISK_USAGE_ROUTES: Route[] = [{ method: 'GET', pattern: /^\/system\/df$/, handler: systemDf }];
