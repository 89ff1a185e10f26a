// `wharf search [--limit N] [-f FILTER] [--no-trunc] [--format F] TERM`: Docker Hub's search, or a registry's catalog, in Docker 28's columns.
import { loadCredentials } from '../../registry/client/auth/credentials.ts';
import { searchRepositories, type SearchResult } from '../../registry/client/search.ts';
import type { CliContext } from '../context.ts';
import { ellipsis } from '../format/ellipsis.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';
import { GO_TYPE_NAME } from '../template/go-values.ts';
import { UsageError } from '../usage-error.ts';

const HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL' };
/** Docker 28 dropped the AUTOMATED column (and the IsAutomated field): Docker Hub no longer has automated builds. */
const DEFAULT_FORMAT = 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}';
const DESCRIPTION_WIDTH = 45;
const AUTOMATED_WARNING = 'WARNING: the "is-automated" filter is deprecated, and searching for "is-automated=true" will not yield any results in future.\n';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    limit: { type: 'string' },
    filter: { type: 'string', short: 'f', multiple: true },
    format: { type: 'string' },
    'no-trunc': { type: 'boolean' },
  }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] TERM`);
  const limit = parseLimit(values.limit as string | undefined, path);
  const filters = filterArgs(values.filter, '-f, --filter', path);
  if (filters.some((filter) => filter.slice(0, filter.indexOf('=')).trim().toLowerCase() === 'is-automated')) context.err(AUTOMATED_WARNING);
  const results = await searchRepositories(positionals[0], {
    limit,
    filters,
    indexServer: context.env.WHARF_INDEX_SERVER || undefined,
    credentials: (registry) => loadCredentials(registry, context.env),
  });
  const trunc = values['no-trunc'] !== true;
  context.out(await renderFormatted({
    format: values.format as string | undefined,
    defaultTableFormat: DEFAULT_FORMAT,
    headers: HEADERS,
    rows: results.map((result) => new SearchRow(result, trunc)),
  }));
  return 0;
}

/** pflag's int: a Go integer or a usage error; 0 (the default) leaves the limit to the search. */
function parseLimit(value: string | undefined, path: string): number {
  if (value === undefined) return 0;
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`invalid argument "${value}" for "--limit" flag: strconv.ParseInt: parsing "${value}": invalid syntax\nSee 'wharf ${path} --help'.`);
  }
  return Number(value);
}

/** The fields `--format` templates see, as docker/cli's searchContext names and renders them. */
class SearchRow {
  readonly [GO_TYPE_NAME] = '*registry.searchContext';
  readonly #result: SearchResult;
  readonly #trunc: boolean;

  constructor(result: SearchResult, trunc: boolean) {
    this.#result = result;
    this.#trunc = trunc;
  }

  get Name(): string {
    return this.#result.name;
  }
  get Description(): string {
    const description = this.#result.description.replaceAll('\n', ' ').replaceAll('\r', ' ');
    return this.#trunc ? ellipsis(description, DESCRIPTION_WIDTH) : description;
  }
  get StarCount(): string {
    return String(this.#result.starCount);
  }
  get IsOfficial(): string {
    return this.#result.isOfficial ? '[OK]' : '';
  }

  /** `{{json .}}` shows the booleans as Go's strconv does, not as the table's `[OK]`. */
  toJSON(): Record<string, string> {
    return { Description: this.Description, IsOfficial: String(this.#result.isOfficial), Name: this.Name, StarCount: this.StarCount };
  }
}
