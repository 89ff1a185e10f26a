// `wharf images` / `wharf image ls`: Docker's rows, columns, units, flags and --format.
import type { ImageRecord } from '../../images/image-records.ts';
import { listImages } from '../../images/list.ts';
import { familiar, splitFamiliar } from '../../images/names.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';
import { GO_TYPE_NAME } from '../template/go-values.ts';
import { goTimeString } from '../../go/time.ts';
import { humanSize, humanSizePrecise } from '../format/units.ts';
import { humanDuration } from '../../go/human-duration.ts';

/** One clock reading for the whole listing, as one `docker images` call has; epoch ms, so no row builds a Date. */
const LISTED_AT = Date.now();

const HEADERS = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE', Containers: 'CONTAINERS',
};

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    all: { type: 'boolean', short: 'a' },
    quiet: { type: 'boolean', short: 'q' },
    digests: { type: 'boolean' },
    'no-trunc': { type: 'boolean' },
    filter: { type: 'string', short: 'f', multiple: true },
    format: { type: 'string' },
  }, path);
  requireArgs(positionals, { min: 0, max: 1 }, path, `${path} [OPTIONS] [REPOSITORY[:TAG]]`);
  const filters = filterArgs(values.filter, '-f, --filter', path);
  if (positionals[0]) filters.push(`reference=${positionals[0]}`);
  const images = await listImages(await context.store(), { all: Boolean(values.all), filters });
  const rows: ImageRow[] = [];
  const options = { digests: Boolean(values.digests), trunc: !values['no-trunc'] };
  for (let i = 0; i < images.length; i++) addImageRows(rows, images[i], options);
  context.out(await renderFormatted({
    format: values.quiet ? '{{.ID}}' : (values.format as string | undefined),
    defaultTableFormat: values.digests
      ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
      : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}',
    headers: HEADERS,
    rows,
  }));
  return 0;
}

/**
 * One row per repository:tag (and per digest with --digests), as docker/cli expands an image. The usual
 * image takes a path with no Map and no iterator: this runs cold, where each iterator step allocates.
 */
function addImageRows(rows: ImageRow[], image: ImageRecord, options: { digests: boolean; trunc: boolean }): void {
  const { repoTags, repoDigests } = image;
  if (repoTags.length === 0 && repoDigests.length === 0) {
    rows.push(new ImageRow(image, '<none>', '<none>', '<none>', options.trunc));
    return;
  }
  // The usual image, one tag and no digest, is one row: nothing to group.
  if (repoTags.length === 1 && repoDigests.length === 0) {
    const { repository, tag } = splitFamiliar(familiar(repoTags[0]));
    rows.push(new ImageRow(image, repository, tag, '<none>', options.trunc));
    return;
  }
  const tagsByRepo = group(image.repoTags.map((name) => splitFamiliar(familiar(name))), 'tag');
  const digestsByRepo = group(image.repoDigests.map((name) => splitFamiliar(familiar(name))), 'digest');
  for (const [repository, tags] of tagsByRepo) {
    const digests = options.digests ? digestsByRepo.get(repository) ?? [] : [];
    digestsByRepo.delete(repository);
    for (const tag of tags) {
      if (digests.length === 0) rows.push(new ImageRow(image, repository, tag, '<none>', options.trunc));
      for (const digest of digests) rows.push(new ImageRow(image, repository, tag, digest, options.trunc));
    }
  }
  for (const [repository, digests] of digestsByRepo) {
    for (const digest of options.digests ? digests : ['<none>']) rows.push(new ImageRow(image, repository, '<none>', digest, options.trunc));
  }
}

function group(names: Array<{ repository: string; tag: string; digest: string }>, key: 'tag' | 'digest'): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const values = groups.get(name.repository);
    if (values) values.push(name[key]);
    else groups.set(name.repository, [name[key]]);
  }
  return groups;
}

/** The fields `--format` templates see, as docker/cli's imageContext names and renders them. */
class ImageRow {
  /** The Go type docker/cli's template errors name. */
  readonly [GO_TYPE_NAME] = '*formatter.imageContext';

  readonly #image: ImageRecord;
  readonly #trunc: boolean;
  readonly Repository: string;
  readonly Tag: string;
  readonly Digest: string;

  constructor(image: ImageRecord, repository: string, tag: string, digest: string, trunc: boolean) {
    this.#image = image;
    this.#trunc = trunc;
    this.Repository = repository;
    this.Tag = tag;
    this.Digest = digest;
  }

  get ID(): string {
    return this.#trunc ? this.#image.id.slice(7, 19) : this.#image.id;
  }
  get CreatedSince(): string {
    // timeAgo without its two Dates: a thousand rows would build two thousand.
    return this.#image.created ? `${humanDuration(LISTED_AT - Date.parse(this.#image.created))} ago` : 'N/A';
  }
  get CreatedAt(): string {
    // docker/cli prints time.Unix(created, 0): whole seconds
    return this.#image.created ? goTimeString(new Date(Math.floor(Date.parse(this.#image.created) / 1000) * 1000)) : '';
  }
  get Size(): string {
    return humanSize(this.#image.size);
  }
  get VirtualSize(): string {
    return humanSizePrecise(this.#image.size);
  }
  get SharedSize(): string {
    return 'N/A';
  }
  get UniqueSize(): string {
    return 'N/A';
  }
  get Containers(): string {
    return 'N/A';
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(Object.keys(HEADERS).sort().map((key) => [key, this[key as keyof typeof HEADERS]]));
  }
}
