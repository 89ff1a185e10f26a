// docker/cli's formatter.Context: --format as a Go template, `table …` through the tabwriter with a header row, `json`.
import { simpleFieldTemplate, tabSeparatedFields } from '../template/field-fast-path.ts';
import { DOCKER_TABLE, tabwrite, tabwriteCells } from './tabwriter.ts';

export interface RenderOptions {
  /** The --format value: `table …`, `json`, or a template; empty or `table` means the default table. */
  format?: string;
  /** The command's default, e.g. 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}'. */
  defaultTableFormat: string;
  /** Column titles by field name (`ID` → `IMAGE ID`), the dot of the header row. */
  headers: Readonly<Record<string, string>>;
  /** One value per output row; fields may be getters. */
  rows: readonly unknown[];
}

const TABLE = 'table';

/**
 * Renders every row through the template, or fails with Docker's "template parsing error: …". A format of
 * text and `{{.Field}}` only, over string fields, renders without loading the template engine at all.
 */
export async function renderFormatted(options: RenderOptions): Promise<string> {
  const format = !options.format || options.format === TABLE ? options.defaultTableFormat : options.format;
  const source = templateSource(format);
  const isTable = format.startsWith(TABLE);
  const columns = isTable ? tabSeparatedFields(source) : undefined;
  const table = columns && tableOfFields(columns, options);
  if (table !== undefined) return table;
  const simple = simpleFieldTemplate(source);
  const lines = simple ? [...(isTable ? [options.headers] : []), ...options.rows].map(simple) : undefined;
  if (lines && lines.every((line) => line !== undefined)) {
    const text = lines.map((line) => `${line}\n`).join('');
    return isTable ? tabwrite(text, DOCKER_TABLE) : text;
  }
  const { renderWithTemplate } = await import('./template-render.ts');
  const { header, body } = renderWithTemplate(source, options.headers, options.rows, isTable);
  return isTable ? tabwrite(`${header}\n${body}`, DOCKER_TABLE) : body;
}

/** A table of string fields only, header row first, straight from the values; undefined for any other value. */
function tableOfFields(columns: string[], options: RenderOptions): string | undefined {
  const rows: string[][] = [];
  for (let i = -1; i < options.rows.length; i++) {
    const data = (i < 0 ? options.headers : options.rows[i]) as Record<string, unknown>;
    const cells: string[] = [];
    for (let j = 0; j < columns.length; j++) {
      const value = data[columns[j]];
      if (typeof value !== 'string') return undefined;
      cells.push(value);
    }
    rows.push(cells);
  }
  return tabwriteCells(rows, DOCKER_TABLE);
}

/** `json` is `{{json .}}`; `table` is dropped; spaces trimmed; literal \t and \n become tab and newline. */
export function templateSource(format: string): string {
  if (format === 'json') return '{{json .}}';
  const source = format.startsWith(TABLE) ? format.slice(TABLE.length) : format;
  return source.replace(/^ +| +$/g, '').replaceAll('\\t', '\t').replaceAll('\\n', '\n');
}

