// `wharf build`'s Dockerfile parser: text to typed instructions, by BuildKit's rules for each one's arguments and with its error texts.
import { InvalidArgumentError } from '../../errors.ts';
import type { EscapeChar } from './expand.ts';
import type { Command, Dockerfile, Heredoc, Instruction, InstructionFlag, InstructionKind, KeyValue } from './instructions.ts';
import { readLogicalLines } from './lines.ts';
import type { LogicalLine } from './lines.ts';
import { DockerfileParseError } from './parse-error.ts';
import { parseHeredocMarker, parseJsonArray, splitInstruction, splitKeepingQuotes, splitOnce, splitOnWhitespace } from './words.ts';

export { DockerfileParseError } from './parse-error.ts';

export function parseDockerfile(text: string, fileName = 'Dockerfile'): Dockerfile {
  if (text.replace(/^\uFEFF/, '') === '') throw new DockerfileParseError(fileName, undefined, `the Dockerfile (${fileName}) cannot be empty`);
  const source = readLogicalLines(text, fileName);
  if (source.lines.length === 0) throw new DockerfileParseError(fileName, source.lineCount, 'file with no instructions');
  const dockerfile: Dockerfile = {
    escape: source.escape,
    instructions: source.lines.map((line) => parseInstruction(line, source.escape, fileName)),
  };
  if (source.syntax !== undefined) dockerfile.syntax = source.syntax;
  return dockerfile;
}

/** What an instruction's own parser returns: everything but where it sits, its text and its flags. */
type Specific = Instruction extends infer I ? (I extends unknown ? Omit<I, 'line' | 'endLine' | 'original' | 'flags'> : never) : never;

/** An instruction's text, cut: its arguments after the flags, and the heredoc bodies read after it. */
interface Source {
  args: string;
  escape: EscapeChar;
  heredocs: Heredoc[];
  original: string;
}

function parseInstruction(line: LogicalLine, escape: EscapeChar, fileName: string): Instruction {
  const { keyword, flagWords, args } = splitInstruction(line.text, escape);
  const original = line.text.trim();
  try {
    const kind = keyword.toUpperCase();
    if (!isKind(kind)) throw new InvalidArgumentError(`unknown instruction: ${keyword}`);
    const flags = parseFlags(kind, flagWords);
    const specific = PARSERS[kind]({ args, escape, heredocs: line.heredocs, original });
    return { line: line.line, endLine: line.endLine, original, flags, ...specific };
  } catch (error) {
    // The parsers below know what is wrong, not where: Docker too adds the line on the way out.
    if (!(error instanceof InvalidArgumentError) || error instanceof DockerfileParseError) throw error;
    throw new DockerfileParseError(fileName, line.line, error.message);
  }
}

const PARSERS: Record<InstructionKind, (source: Source) => Specific> = {
  FROM: parseFrom,
  RUN: parseRun,
  CMD: ({ args }) => ({ kind: 'CMD', command: parseCommand(args) }),
  ENTRYPOINT: ({ args }) => ({ kind: 'ENTRYPOINT', command: parseCommand(args) }),
  LABEL: (source) => ({ kind: 'LABEL', pairs: parsePairs('LABEL', source) }),
  MAINTAINER: ({ args }) => ({ kind: 'MAINTAINER', name: exactlyOne('MAINTAINER', args) }),
  // sorted as written, before expansion, as BuildKit's parser does (moby's history shows them so)
  EXPOSE: ({ args }) => ({ kind: 'EXPOSE', ports: atLeastOne('EXPOSE', splitOnWhitespace(args)).sort() }),
  ENV: (source) => ({ kind: 'ENV', pairs: parsePairs('ENV', source) }),
  ADD: (source) => parseCopy('ADD', source),
  COPY: (source) => parseCopy('COPY', source),
  VOLUME: parseVolume,
  USER: ({ args }) => ({ kind: 'USER', user: exactlyOne('USER', args) }),
  WORKDIR: ({ args }) => ({ kind: 'WORKDIR', path: exactlyOne('WORKDIR', args) }),
  ARG: parseArg,
  ONBUILD: parseOnbuild,
  STOPSIGNAL: ({ args }) => ({ kind: 'STOPSIGNAL', signal: exactlyOne('STOPSIGNAL', args) }),
  HEALTHCHECK: parseHealthcheck,
  SHELL: parseShell,
};

function isKind(keyword: string): keyword is InstructionKind {
  return Object.hasOwn(PARSERS, keyword);
}

/** `string` and `list` flags need `=value` (a `list` one may repeat); `bool` ones may go bare. */
type FlagType = 'string' | 'bool' | 'list';

const FLAG_TYPES: Partial<Record<InstructionKind, Record<string, FlagType>>> = {
  FROM: { platform: 'string' },
  RUN: { mount: 'list', network: 'string', security: 'string' },
  COPY: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'list' },
  ADD: { chown: 'string', chmod: 'string', checksum: 'string', 'keep-git-dir': 'bool', link: 'bool' },
  HEALTHCHECK: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
};

function parseFlags(kind: InstructionKind, words: string[]): InstructionFlag[] {
  const types = FLAG_TYPES[kind] ?? {};
  const seen = new Set<string>();
  return words.map((word) => {
    const equals = word.indexOf('=');
    const written = equals < 0 ? word : word.slice(0, equals);
    const value = equals < 0 ? undefined : word.slice(equals + 1);
    const name = written.slice(2);
    const type = Object.hasOwn(types, name) ? types[name] : undefined;
    if (type === undefined) throw new InvalidArgumentError(`unknown flag: ${written}`);
    if (seen.has(name) && type !== 'list') throw new InvalidArgumentError(`duplicate flag specified: ${written}`);
    seen.add(name);
    checkFlagValue(type, written, value);
    return { name, value };
  });
}

function checkFlagValue(type: FlagType, written: string, value: string | undefined): void {
  if (value === undefined ? type !== 'bool' : value === '') throw new InvalidArgumentError(`missing a value on flag: ${written}`);
  if (type === 'bool' && value !== undefined && !/^(true|false)$/i.test(value)) {
    throw new InvalidArgumentError(`expecting boolean value for flag ${written}, not: ${value}`);
  }
}

function parseFrom({ args }: Source): Specific {
  const words = splitOnWhitespace(args);
  if (words.length === 0) throw atLeastOneError('FROM');
  if (words.length === 3 && words[1].toLowerCase() === 'as') return { kind: 'FROM', image: words[0], stageName: stageName(words[2]) };
  if (words.length !== 1) throw new InvalidArgumentError('FROM requires either one or three arguments');
  return { kind: 'FROM', image: words[0] };
}

function stageName(written: string): string {
  const name = written.toLowerCase();
  if (!/^[a-z][a-z0-9_.-]*$/.test(name)) {
    throw new InvalidArgumentError(`invalid name for build stage: ${JSON.stringify(written)}, name can't start with a number or contain symbols`);
  }
  return name;
}

function parseRun({ args, heredocs }: Source): Specific {
  if (args === '') throw atLeastOneError('RUN');
  // `RUN <<EOF` runs the body as the command itself; otherwise the shell reads the bodies from the command's heredocs.
  if (heredocs.length > 0 && parseHeredocMarker(args) !== undefined) {
    return { kind: 'RUN', command: { form: 'shell', text: heredocs[0].body }, heredocs };
  }
  return { kind: 'RUN', command: parseCommand(args), heredocs };
}

function parseCommand(args: string): Command {
  const exec = parseJsonArray(args);
  return exec ? { form: 'exec', args: exec } : { form: 'shell', text: args };
}

// `KEY=value ...`, or the legacy `KEY value` whose value is the rest of the line, spaces and all.
function parsePairs(kind: 'ENV' | 'LABEL', { args, escape }: Source): KeyValue[] {
  const words = atLeastOne(kind, splitKeepingQuotes(args, escape));
  if (!words[0].includes('=')) {
    const [key, value] = splitOnce(args);
    if (value === undefined) throw new InvalidArgumentError(`${kind} must have two arguments`);
    return [{ key, value }];
  }
  return words.map((word) => {
    const equals = word.indexOf('=');
    if (equals < 0) throw new InvalidArgumentError(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`);
    if (equals === 0) throw blankNamesError(kind);
    return { key: word.slice(0, equals), value: word.slice(equals + 1) };
  });
}

function parseCopy(kind: 'ADD' | 'COPY', { args, heredocs }: Source): Specific {
  const words = parseJsonArray(args) ?? splitOnWhitespace(args);
  if (words.length < 2) {
    throw new InvalidArgumentError(`${kind} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
  const destination = words[words.length - 1];
  if (parseHeredocMarker(destination)) throw new InvalidArgumentError(`${kind} cannot accept a heredoc as a destination`);
  // A `<<NAME` source is a file written from its body, not a path in the context.
  const sources = words.slice(0, -1).filter((word) => parseHeredocMarker(word) === undefined);
  return { kind, sources, destination, heredocs };
}

function parseVolume({ args }: Source): Specific {
  const paths = atLeastOne('VOLUME', parseJsonArray(args) ?? splitOnWhitespace(args)).map((path) => path.trim());
  if (paths.includes('')) throw new InvalidArgumentError('VOLUME specified can not be an empty string');
  return { kind: 'VOLUME', paths };
}

function parseArg({ args, escape }: Source): Specific {
  const words = atLeastOne('ARG', splitKeepingQuotes(args, escape));
  return {
    kind: 'ARG',
    args: words.map((word) => {
      const equals = word.indexOf('=');
      if (equals < 0) return { name: word };
      if (equals === 0) throw blankNamesError('ARG');
      return { name: word.slice(0, equals), defaultValue: word.slice(equals + 1) };
    }),
  };
}

function parseOnbuild({ args, original, heredocs }: Source): Specific {
  if (args === '') throw atLeastOneError('ONBUILD');
  const trigger = splitOnce(args)[0].toUpperCase();
  if (trigger === 'ONBUILD') throw new InvalidArgumentError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  if (trigger === 'FROM' || trigger === 'MAINTAINER') throw new InvalidArgumentError(`${trigger} isn't allowed as an ONBUILD trigger`);
  // The bodies go along, so that the image built FROM this one reads the trigger as a Dockerfile line.
  const bodies = heredocs.map((heredoc) => `\n${heredoc.body}${heredoc.name}`).join('');
  return { kind: 'ONBUILD', trigger: original.replace(/^ONBUILD\s*/i, '') + bodies };
}

function parseHealthcheck({ args }: Source): Specific {
  const [type, rest = ''] = splitOnce(args);
  if (type === '') throw atLeastOneError('HEALTHCHECK');
  const upperType = type.toUpperCase();
  if (upperType === 'NONE') {
    if (rest !== '') throw new InvalidArgumentError('HEALTHCHECK NONE takes no arguments');
    return { kind: 'HEALTHCHECK', test: 'NONE' };
  }
  if (upperType !== 'CMD') throw new InvalidArgumentError(`Unknown type ${JSON.stringify(upperType)} in HEALTHCHECK (try CMD)`);
  const test = parseCommand(rest);
  if (test.form === 'shell' ? test.text === '' : test.args.length === 0) throw new InvalidArgumentError('Missing command after HEALTHCHECK CMD');
  return { kind: 'HEALTHCHECK', test };
}

function parseShell({ args }: Source): Specific {
  const shell = parseJsonArray(args);
  if (args === '' || shell?.length === 0) throw atLeastOneError('SHELL');
  if (!shell) throw new InvalidArgumentError('SHELL requires the arguments to be in JSON form');
  return { kind: 'SHELL', shell };
}

function exactlyOne(kind: InstructionKind, args: string): string {
  if (args === '') throw new InvalidArgumentError(`${kind} requires exactly one argument`);
  return args;
}

function atLeastOne<T>(kind: InstructionKind, items: T[]): T[] {
  if (items.length === 0) throw atLeastOneError(kind);
  return items;
}

function atLeastOneError(kind: InstructionKind): InvalidArgumentError {
  return new InvalidArgumentError(`${kind} requires at least one argument`);
}

function blankNamesError(kind: InstructionKind): InvalidArgumentError {
  return new InvalidArgumentError(`${kind} names can not be blank`);
}
