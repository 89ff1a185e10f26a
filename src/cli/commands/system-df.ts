// `wharf system df [-v] [--format]`: Docker's summary table (images, containers, volumes, build cache), or each one's detail with -v.
import { type CacheMountUsage, cacheMountUsage } from '../../build/cache-mounts.ts';
import { type DiskUsage, diskUsage, type ImageUsage } from '../../images/disk-usage.ts';
import { type ContainerUsage, containerUsage } from '../../runtime/containers/disk-usage.ts';
import { volumeUsage } from '../../runtime/volumes/volume-store.ts';
import { ContainerRow } from './container-rows.ts';
import { familiar, splitFamiliar } from '../../images/names.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';
import { humanSize, humanSizePrecise, timeAgo } from '../format/units.ts';
import { humanDuration } from '../../go/human-duration.ts';

const SUMMARY_HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };
const CONTAINER_HEADERS = { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', LocalVolumes: 'LOCAL VOLUMES', Size: 'SIZE', RunningFor: 'CREATED', Status: 'STATUS', Names: 'NAMES' };
const VOLUME_HEADERS = { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' };
const CACHE_HEADERS = { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' };
const IMAGE_HEADERS = { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS' };

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { verbose: { type: 'boolean', short: 'v' }, format: { type: 'string' } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const store = await context.store();
  const usage: Usage = { ...diskUsage(store), containers: containerUsage(store), volumes: volumeUsage(store), cache: cacheMountUsage(store) };
  const format = values.format as string | undefined;
  if (!values.verbose) {
    context.out(await renderFormatted({ format, defaultTableFormat: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', headers: SUMMARY_HEADERS, rows: summaryRows(usage) }));
    return 0;
  }
  const table = (headers: Record<string, string>, rows: object[]) =>
    renderFormatted({ format: undefined, defaultTableFormat: `table ${Object.keys(headers).map((key) => `{{.${key}}}`).join('\t')}`, headers, rows });
  const now = Date.now();
  const cacheBytes = usage.cache.reduce((sum, entry) => sum + entry.size, 0);
  context.out(
    `Images space usage:\n\n${await table(IMAGE_HEADERS, usage.images.flatMap(imageRows))}\n` +
      `Containers space usage:\n\n${await table(CONTAINER_HEADERS, usage.containers.map((entry) => containerRow(entry, now)))}\n` +
      `Local Volumes space usage:\n\n${await table(VOLUME_HEADERS, usage.volumes.map(({ volume, links, size }) => ({ Name: volume.name, Links: String(links), Size: humanSize(size) })))}\n` +
      `Build cache usage: ${humanSize(cacheBytes)}\n\n${await table(CACHE_HEADERS, usage.cache.map((entry) => cacheRow(entry, now)))}`,
  );
  return 0;
}

interface Usage extends DiskUsage {
  containers: ContainerUsage[];
  volumes: ReturnType<typeof volumeUsage>;
  cache: CacheMountUsage[];
}

function summaryRows(usage: Usage): object[] {
  const { images, layersSize, containers, volumes, cache } = usage;
  const usedByContainers = images.filter((image) => image.containers > 0).reduce((sum, image) => sum + image.uniqueSize, 0);
  const containersSize = containers.reduce((sum, entry) => sum + entry.sizeRw, 0);
  const stoppedSize = containers.filter((entry) => entry.record.state !== 'running').reduce((sum, entry) => sum + entry.sizeRw, 0);
  const volumesSize = volumes.reduce((sum, entry) => sum + entry.size, 0);
  const unusedVolumesSize = volumes.filter((entry) => entry.links === 0).reduce((sum, entry) => sum + entry.size, 0);
  const cacheSize = cache.reduce((sum, entry) => sum + entry.size, 0);
  const idleCacheSize = cache.filter((entry) => !entry.inUse).reduce((sum, entry) => sum + entry.size, 0);
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((image) => image.containers > 0).length), Size: humanSizePrecise(layersSize), Reclaimable: withPercent(layersSize - usedByContainers, layersSize) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((entry) => entry.record.state === 'running').length), Size: humanSizePrecise(containersSize), Reclaimable: withPercent(stoppedSize, containersSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((entry) => entry.links > 0).length), Size: humanSizePrecise(volumesSize), Reclaimable: withPercent(unusedVolumesSize, volumesSize) },
    // docker/cli gives the build cache no percentage
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((entry) => entry.inUse).length), Size: humanSizePrecise(cacheSize), Reclaimable: humanSizePrecise(idleCacheSize) },
  ];
}

/** docker/cli's `1.2MB (50%)`, the share left out when there is nothing at all. */
function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSizePrecise(reclaimable)} (${Math.floor((reclaimable * 100) / total)}%)` : humanSizePrecise(reclaimable);
}

function containerRow(entry: ContainerUsage, now: number): object {
  const row = new ContainerRow(entry.record, { trunc: true, now });
  return { ID: row.ID, Image: row.Image, Command: row.Command, LocalVolumes: String(entry.localVolumes), Size: humanSize(entry.sizeRw), RunningFor: row.RunningFor, Status: row.Status, Names: row.Names };
}

/** BuildKit's record for a RUN --mount=type=cache directory. */
function cacheRow(entry: CacheMountUsage, now: number): object {
  const ago = (date: Date) => `${humanDuration(now - date.getTime())} ago`;
  return { ID: entry.id.slice(0, 25), CacheType: 'exec.cachemount', Size: humanSize(entry.size), CreatedSince: ago(entry.created), LastUsedSince: ago(entry.lastUsed), UsageCount: '1', Shared: 'false' };
}

function imageRows(usage: ImageUsage): object[] {
  const { record } = usage;
  // docker/cli shows one row per image, named by its first tag only
  const names = record.repoTags.length > 0 ? record.repoTags.slice(0, 1).map((name) => splitFamiliar(familiar(name))) : [{ repository: '<none>', tag: '<none>' }];
  return names.map(({ repository, tag }) => ({
    Repository: repository,
    Tag: tag,
    ID: record.id.slice(7, 19),
    CreatedSince: record.created ? timeAgo(new Date(record.created), new Date()) : 'N/A',
    Size: humanSize(record.size),
    SharedSize: humanSizePrecise(usage.sharedSize),
    UniqueSize: humanSizePrecise(usage.uniqueSize),
    Containers: String(usage.containers),
  }));
}
