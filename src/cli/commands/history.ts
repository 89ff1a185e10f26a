// `wharf history [-H] [--no-trunc] [-q] [--format] IMAGE`.
import { imageHistory, type HistoryRow } from '../../images/history.ts';
import { resolveImage } from '../../images/resolve.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';
import { GO_TYPE_NAME } from '../template/go-values.ts';
import { rfc3339 } from '../../go/time.ts';
import { humanSize, timeAgo } from '../format/units.ts';

const HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    human: { type: 'boolean', short: 'H', default: true },
    'no-trunc': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    format: { type: 'string' },
  }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] IMAGE`);
  const store = await context.store();
  const rows = await imageHistory(store, resolveImage(store, positionals[0]).id);
  const options = { human: values.human !== false, trunc: !values['no-trunc'] };
  context.out(await renderFormatted({
    format: values.quiet ? '{{.ID}}' : (values.format as string | undefined),
    defaultTableFormat: `table {{.ID}}\t{{.${options.human ? 'CreatedSince' : 'CreatedAt'}}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}`,
    headers: HEADERS,
    rows: rows.map((row) => new HistoryContext(row, options)),
  }));
  return 0;
}

/** The fields docker/cli's historyContext offers templates. */
class HistoryContext {
  /** The Go type docker/cli's template errors name. */
  readonly [GO_TYPE_NAME] = '*formatter.historyContext';

  readonly #row: HistoryRow;
  readonly #human: boolean;
  readonly #trunc: boolean;

  constructor(row: HistoryRow, options: { human: boolean; trunc: boolean }) {
    this.#row = row;
    this.#human = options.human;
    this.#trunc = options.trunc;
  }

  get ID(): string {
    return this.#trunc && this.#row.id.startsWith('sha256:') ? this.#row.id.slice(7, 19) : this.#row.id;
  }
  get CreatedSince(): string {
    if (!this.#row.created) return 'N/A';
    return this.#human ? timeAgo(new Date(this.#row.created), new Date()) : rfc3339(new Date(this.#row.created));
  }
  /** docker/cli: time.Unix(created, 0).Format(time.RFC3339), human or not; a missing time is Go's zero time. */
  get CreatedAt(): string {
    return this.#row.created ? rfc3339(new Date(this.#row.created)) : '0001-01-01T00:00:00Z';
  }
  get CreatedBy(): string {
    const text = this.#row.createdBy.replaceAll('\t', ' ');
    return this.#trunc && text.length > 45 ? `${text.slice(0, 44)}…` : text;
  }
  get Size(): string {
    return this.#human ? humanSize(this.#row.size) : String(this.#row.size);
  }
  get Comment(): string {
    return this.#row.comment;
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(Object.keys(HEADERS).sort().map((key) => [key, this[key as keyof typeof HEADERS]]));
  }
}
