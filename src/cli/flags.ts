// Flag parsing with Docker's rules and texts: `unknown flag: --x`, `See 'docker … --help'.`, exit 125.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { WharfError } from '../errors.ts';

export type FlagSpec = ParseArgsOptionsConfig;

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export class UsageError extends WharfError {
  constructor(message: string) {
    super(message, { exitCode: 125, fromDaemon: false });
  }
}

export function parseFlags(args: string[], spec: FlagSpec, commandPath: string): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({ args, options: { ...spec, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    throw new UsageError(`${dockerFlagMessage((error as Error).message)}\nSee 'wharf ${commandPath} --help'.`);
  }
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
