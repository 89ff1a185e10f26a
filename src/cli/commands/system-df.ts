// `wharf system df [-v] [--format]`: Docker's summary table, or per-image detail with -v.
import { diskUsage, type ImageUsage } from '../../images/disk-usage.ts';
import { familiar, splitFamiliar } from '../../images/names.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';
import { humanSize, humanSizePrecise, timeAgo } from '../format/units.ts';

const SUMMARY_HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };
const IMAGE_HEADERS = { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS' };

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, { verbose: { type: 'boolean', short: 'v' }, format: { type: 'string' } }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const usage = diskUsage(await context.store());
  const format = values.format as string | undefined;
  if (!values.verbose) {
    context.out(await renderFormatted({ format, defaultTableFormat: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', headers: SUMMARY_HEADERS, rows: summaryRows(usage.images, usage.layersSize) }));
    return 0;
  }
  const table = (headers: Record<string, string>, rows: object[], columns: string) =>
    renderFormatted({ format: undefined, defaultTableFormat: `table ${columns}`, headers, rows });
  const images = await table(IMAGE_HEADERS, usage.images.flatMap(imageRows), '{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}');
  context.out(
    `Images space usage:\n\n${images}\n` +
      `Containers space usage:\n\nCONTAINER ID   IMAGE     COMMAND   LOCAL VOLUMES   SIZE      CREATED   STATUS    NAMES\n\n` +
      `Local Volumes space usage:\n\nVOLUME NAME   LINKS     SIZE\n\n` +
      `Build cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n`,
  );
  return 0;
}

function summaryRows(images: ImageUsage[], layersSize: number): object[] {
  const used = images.filter((image) => image.containers > 0).reduce((sum, image) => sum + image.uniqueSize, 0);
  const reclaimable = layersSize - used;
  const percent = layersSize > 0 ? ` (${Math.floor((reclaimable * 100) / layersSize)}%)` : '';
  const empty = { TotalCount: '0', Active: '0', Size: '0B', Reclaimable: '0B' };
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((image) => image.containers > 0).length), Size: humanSizePrecise(layersSize), Reclaimable: `${humanSizePrecise(reclaimable)}${percent}` },
    { Type: 'Containers', ...empty },
    { Type: 'Local Volumes', ...empty },
    { Type: 'Build Cache', ...empty },
  ];
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
