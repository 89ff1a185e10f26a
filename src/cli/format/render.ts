// Docker's `--format` handling: `table …` (a header row, then aligned rows), `json`, or a raw Go template per row.
import { compileTemplate } from '../template/template.ts';
import { alignColumns } from './tabwriter.ts';

export interface RenderOptions {
  /** The user's --format; undefined or `table` means the command's default table. */
  format: string | undefined;
  defaultTableFormat: string;
  /** Field name → column header (`ID` → `IMAGE ID`). */
  headers: Record<string, string>;
  rows: object[];
}

export function renderFormatted(options: RenderOptions): string {
  const format = !options.format || options.format === 'table' ? options.defaultTableFormat : options.format;
  const isTable = format.startsWith('table');
  const body = unescapeFormat((isTable ? format.slice('table'.length) : format === 'json' ? '{{json .}}' : format).trim());
  const template = compileTemplate(body);
  const rendered = options.rows.map((row) => `${template.execute(row)}\n`).join('');
  if (!isTable) return rendered;
  const header = `${template.execute(headerRow(options.headers))}\n`;
  return alignColumns(header + rendered);
}

/** Headers render through the same template, so each field shows its header text. */
function headerRow(headers: Record<string, string>): object {
  return { ...headers };
}

/** docker/cli turns the two characters `\t` and `\n` in a format into a tab and a newline. */
function unescapeFormat(format: string): string {
  return format.replaceAll('\\t', '\t').replaceAll('\\n', '\n');
}
