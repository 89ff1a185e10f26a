// The engine half of --format: compiles the Go template, renders rows and the header row, words errors as docker/cli.
import { HEADER_FUNCTIONS } from '../template/docker-functions.ts';
import { TemplateError } from '../template/template-error.ts';
import { compileTemplate, type CompileOptions, type Template } from '../template/template.ts';

export function renderWithTemplate(source: string, headers: Readonly<Record<string, string>>, rows: readonly unknown[], isTable: boolean): { header: string; body: string } {
  const template = compileFormatTemplate(source);
  const body = rows.map((row) => `${template.execute(asRowContext(row))}\n`).join('');
  return { header: isTable ? headerRow(template, headers) : '', body };
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
