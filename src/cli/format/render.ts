// docker/cli's formatter.Context: --format as a Go template, `table …` through the tabwriter with a header row, `json`.
import { HEADER_FUNCTIONS } from '../template/docker-functions.ts';
import { TemplateError } from '../template/template-error.ts';
import { compileTemplate, type CompileOptions, type Template } from '../template/template.ts';
import { DOCKER_TABLE, tabwrite } from './tabwriter.ts';

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

/** Renders every row through the template, or fails with Docker's "template parsing error: …". */
export function renderFormatted(options: RenderOptions): string {
  const format = !options.format || options.format === TABLE ? options.defaultTableFormat : options.format;
  const template = compileFormatTemplate(templateSource(format));
  const body = options.rows.map((row) => `${template.execute(asRowContext(row))}\n`).join('');
  if (!format.startsWith(TABLE)) return body;
  return tabwrite(`${headerRow(template, options.headers)}\n${body}`, DOCKER_TABLE);
}

/**
 * docker/cli's rows are structs: an unknown field is an error, and `{{json .}}` lists the fields
 * sorted, HTML-escaped by json.Marshal. A plain-object row is given the same behaviour.
 */
class RowContext {
  constructor(fields: object) {
    Object.assign(this, fields);
  }

  toJSON(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

function asRowContext(row: unknown): unknown {
  const isPlain = typeof row === 'object' && row !== null && [Object.prototype, null].includes(Object.getPrototypeOf(row));
  return isPlain && !Array.isArray(row) ? new RowContext(row as object) : row;
}

/** `json` is `{{json .}}`; `table` is dropped; spaces trimmed; literal \t and \n become tab and newline. */
export function templateSource(format: string): string {
  if (format === 'json') return '{{json .}}';
  const source = format.startsWith(TABLE) ? format.slice(TABLE.length) : format;
  return source.replace(/^ +| +$/g, '').replaceAll('\\t', '\t').replaceAll('\\n', '\n');
}

/**
 * templates.Parse as docker/cli's commands use it: a failure to parse or to execute reads
 * "template parsing error: …" (docker inspect words it the same way).
 */
export function compileFormatTemplate(source: string, options?: CompileOptions): Template {
  return prefixed(withPrefix(() => compileTemplate(source, options)));
}

function prefixed(template: Template): Template {
  return {
    execute: (data) => withPrefix(() => template.execute(data)),
    withFunctions: (functions) => prefixed(template.withFunctions(functions)),
  };
}

function withPrefix<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new TemplateError(`template parsing error: ${error.message}`, error.phase, error.partialOutput);
  }
}

/**
 * The header row is the same template run over the titles with functions that keep a title
 * intact. Docker ignores a failure here and keeps what was written before it.
 */
function headerRow(template: Template, headers: Readonly<Record<string, string>>): string {
  try {
    return template.withFunctions(HEADER_FUNCTIONS).execute(headers);
  } catch (error) {
    if (error instanceof TemplateError) return error.partialOutput;
    throw error;
  }
}
