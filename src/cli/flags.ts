// Flag parsing with Docker's rules and texts: `unknown flag: --x`, `See 'docker … --help'.`, exit 125.
import type { ParseArgsOptionsConfig } from 'node:util';
import { HelpRequest } from './help/help-request.ts';
import { UsageError } from './usage-error.ts';

export type FlagSpec = ParseArgsOptionsConfig;

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}


/** Docker's flags by `spec`, plus `--help` (and `-h` where the command gives it no other meaning), which stops the command before it starts. */
export function parseFlags(args: string[], spec: FlagSpec, commandPath: string): ParsedFlags {
  // Nothing typed, nothing to parse: util.parseArgs's first call loads its module (~0.7 ms of a bare `wharf images`).
  if (args.length === 0) return { values: defaultValues(spec), positionals: [] };
  let parsed: ParsedFlags;
  try {
    const { args: plain, explicit } = splitBooleanValues(args, spec);
    // Fetched, not imported: an ES import of node:util loads worker_threads and util's diff and colour code with it.
    const { parseArgs } = process.getBuiltinModule('node:util');
    const help = Object.values(spec).some((option) => option.short === 'h') ? { type: 'boolean' as const } : { type: 'boolean' as const, short: 'h' };
    const { values, positionals } = parseArgs({ args: plain, options: { ...spec, help }, allowPositionals: true, strict: true });
    parsed = { values: { ...values, ...explicit }, positionals };
  } catch (error) {
    const message = error instanceof UsageError ? error.message : dockerFlagMessage((error as Error).message);
    throw new UsageError(`${message}\nSee 'wharf ${commandPath} --help'.`);
  }
  if (parsed.values.help === true) throw new HelpRequest(commandPath, spec);
  return parsed;
}

/** What util.parseArgs gives for no arguments: each flag's default, where it has one. */
function defaultValues(spec: FlagSpec): ParsedFlags['values'] {
  const values: ParsedFlags['values'] = {};
  for (const name in spec) if (spec[name].default !== undefined) values[name] = spec[name].default;
  return values;
}

/** pflag lets a boolean take a value (`--human=false`, `-H=false`); util.parseArgs does not, so those are set aside here. */
function splitBooleanValues(args: string[], spec: FlagSpec): { args: string[]; explicit: Record<string, boolean> } {
  const explicit: Record<string, boolean> = {};
  const plain: string[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg === '--') {
      plain.push(...args.slice(index));
      break;
    }
    const match = /^(--([\w-]+)|-(\w))=(.*)$/.exec(arg);
    const name = match && (match[2] ?? Object.keys(spec).find((key) => spec[key].short === match[3]));
    if (!match || !name || !spec[name]) {
      plain.push(arg);
      continue;
    }
    if (spec[name].type === 'string') {
      plain.push(`--${name}`, match[4]);
      continue;
    }
    if (!/^(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.test(match[4])) {
      throw new UsageError(`invalid argument "${match[4]}" for "${match[3] ? `-${match[3]}, ` : ''}--${name}" flag: strconv.ParseBool: parsing "${match[4]}": invalid syntax`);
    }
    explicit[name] = /^(true|1|t)$/i.test(match[4]);
  }
  return { args: plain, explicit };
}

function dockerFlagMessage(message: string): string {
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(message);
  if (unknown) return unknown[1] === '--' ? `unknown flag: --${unknown[2]}` : `unknown shorthand flag: '${unknown[2]}' in -${unknown[2]}`;
  const missing = /Option '(?:-\w, )?--([\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `flag needs an argument: --${missing[1]}`;
  return message;
}

export function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function requireArgs(positionals: string[], range: { min: number; max?: number }, commandPath: string, usage: string): void {
  const { min, max } = range;
  if (positionals.length >= min && (max === undefined || positionals.length <= max)) return;
  const expectation = max === undefined ? `at least ${min} argument${min === 1 ? '' : 's'}` : min === max ? `exactly ${min} argument${min === 1 ? '' : 's'}` : `at least ${min} and at most ${max} arguments`;
  throw new UsageError(`"wharf ${commandPath}" requires ${expectation}.\nSee 'wharf ${commandPath} --help'.\n\nUsage:  wharf ${usage}`);
}

/** docker/cli checks `--filter` values as it parses flags: `name=value` or a usage error (exit 125). */
export function filterArgs(value: unknown, flag: string, commandPath: string): string[] {
  const filters = stringList(value);
  const bad = filters.find((filter) => filter.indexOf('=') <= 0);
  if (bad !== undefined) {
    throw new UsageError(`invalid argument "${bad}" for "${flag}" flag: bad format of filter (expected name=value)\nSee 'wharf ${commandPath} --help'.`);
  }
  return filters;
}
