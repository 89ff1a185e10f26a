// compileTemplate: parse a Go template once, execute it against any number of values.
import { BUILTINS } from './builtins.ts';
import { DOCKER_FUNCTIONS } from './docker-functions.ts';
import { fieldFastPath } from './field-fast-path.ts';
import { executeTemplate, type ExecuteOptions, type MissingKey } from './executor.ts';
import type { FunctionMap } from './functions.ts';
import type { Node } from './nodes.ts';
import { parseTemplate } from './parser.ts';

export interface Template {
  /** Renders the template with `data` as dot; throws a TemplateError with Go's message on failure. */
  execute(data: unknown): string;
  /** The same parsed template with some functions replaced, as Go's Template.Funcs does after parsing. */
  withFunctions(functions: FunctionMap): Template;
}

export interface CompileOptions {
  /** The template's name in error messages; docker/cli's templates are anonymous (""). */
  name?: string;
  /** Functions beside Go's builtins and docker/cli's (json, join, split, …). */
  functions?: FunctionMap;
  /**
   * Go's missingkey option: by default a missing map key gives `<no value>`; `error` fails instead,
   * as `docker inspect` does when it falls back to the raw JSON.
   */
  missingKey?: MissingKey;
}

/** Parses like docker/cli's templates.Parse: Go's builtins plus Docker's functions. */
export function compileTemplate(source: string, options: CompileOptions = {}): Template {
  const name = options.name ?? '';
  const functions = { ...BUILTINS, ...DOCKER_FUNCTIONS, ...options.functions };
  const root = parseTemplate(source, name, (candidate) => Object.hasOwn(functions, candidate));
  return boundTemplate(root, { name, source, functions, missingKey: options.missingKey ?? 'default' });
}

function boundTemplate(root: Node, options: ExecuteOptions): Template {
  const fast = fieldFastPath(root);
  return {
    execute: (data) => fast?.(data) ?? executeTemplate(root, data, options),
    withFunctions: (overrides) => boundTemplate(root, { ...options, functions: { ...options.functions, ...overrides } }),
  };
}
