// `wharf build [OPTIONS] PATH | URL | -`: an image from a Dockerfile and its context, with BuildKit's plain progress on stderr; -q prints only the ID.
import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, WharfError } from '../../errors.ts';
import { buildImage } from '../../build/builder.ts';
import { openBuildContext } from '../../build/context/build-context.ts';
import { parseOutputSpec } from '../../build/output-spec.ts';
import { PlainProgress } from '../../build/plain-progress.ts';
import { type BuildProgress, quietProgress } from '../../build/progress.ts';
import { TtyProgress } from '../../build/tty-progress.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs, stringList } from '../flags.ts';

const BUILD_FLAGS = {
  tag: { type: 'string', short: 't', multiple: true },
  file: { type: 'string', short: 'f' },
  'build-arg': { type: 'string', multiple: true },
  target: { type: 'string' },
  label: { type: 'string', multiple: true },
  'no-cache': { type: 'boolean' },
  pull: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  iidfile: { type: 'string' },
  platform: { type: 'string' },
  progress: { type: 'string' },
  network: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'cache-from': { type: 'string', multiple: true },
  secret: { type: 'string', multiple: true },
  rm: { type: 'boolean' },
  'force-rm': { type: 'boolean' },
} as const;

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, BUILD_FLAGS, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] PATH | URL | -`);
  const progressMode = (values.progress as string | undefined) ?? 'auto';
  if (!['auto', 'plain', 'tty', 'quiet'].includes(progressMode)) throw new InvalidArgumentError(`invalid progress mode ${progressMode}`, { fromDaemon: false });
  const quiet = values.quiet === true || progressMode === 'quiet';
  const output = values.output === undefined ? undefined : parseOutputSpec(values.output as string);
  const store = await context.store();
  const buildContext = await openBuildContext({ source: positionals[0], stdin: context.stdin, dockerfile: values.file as string | undefined });
  const progress = progressFor(context, quiet ? 'quiet' : progressMode);
  try {
    const id = await buildImage(store, {
      context: buildContext,
      tags: output ? [] : stringList(values.tag),
      buildArgs: buildArgs(stringList(values['build-arg']), context.env),
      target: values.target as string | undefined,
      noCache: values['no-cache'] === true,
      cacheFrom: stringList(values['cache-from']),
      pull: values.pull === true,
      labels: labels(stringList(values.label)),
      network: (values.network as string | undefined) ?? 'bridge',
      secrets: secrets(stringList(values.secret), context.env),
      platform: values.platform as string | undefined,
      progress,
      pullImage: (name) => pullQuietly(context, name),
      warn: context.err,
    });
    if (output) await (await import('../../build/export-output.ts')).exportBuild(store, id, output, context, stringList(values.tag));
    if (values.iidfile) writeFileSync(values.iidfile as string, id);
    if (quiet) context.out(`${id}\n`);
    return 0;
  } finally {
    progress.finish();
    await buildContext.close();
  }
}

/** BuildKit's choice: `auto` redraws on a terminal and prints plain lines otherwise. */
function progressFor(context: CliContext, mode: string): BuildProgress {
  if (mode === 'quiet') return quietProgress;
  const terminal = context.stderr as CliContext['stderr'] & { isTTY?: boolean; columns?: number };
  if (mode === 'tty' || (mode === 'auto' && terminal.isTTY)) return new TtyProgress(terminal);
  return new PlainProgress(context.err);
}

/** `--build-arg NAME=value`, or `--build-arg NAME` taking NAME from wharf's environment (dropped when unset), as docker/cli does. */
function buildArgs(flags: string[], env: NodeJS.ProcessEnv): Map<string, string> {
  const args = new Map<string, string>();
  for (const flag of flags) {
    const equals = flag.indexOf('=');
    if (equals !== -1) args.set(flag.slice(0, equals), flag.slice(equals + 1));
    else if (env[flag] !== undefined) args.set(flag, env[flag]!);
  }
  return args;
}

/** `--secret id=NAME,src=FILE` or `id=NAME,env=VAR` (BuildKit's forms); read now, so a missing file fails before any step runs. */
function secrets(flags: string[], env: NodeJS.ProcessEnv): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  for (const flag of flags) {
    const fields = Object.fromEntries(flag.split(',').map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)]));
    const file = fields.src ?? fields.source;
    if (!fields.id) throw new InvalidArgumentError(`invalid secret ${JSON.stringify(flag)}: id is required`, { fromDaemon: false });
    if (file !== undefined) {
      try {
        values.set(fields.id, readFileSync(file));
      } catch {
        throw new InvalidArgumentError(`failed to read secret ${fields.id}: open ${file}: no such file or directory`, { fromDaemon: false });
      }
    } else if (env[fields.env ?? fields.id] !== undefined) {
      values.set(fields.id, Buffer.from(env[fields.env ?? fields.id]!));
    } else {
      throw new InvalidArgumentError(`invalid secret ${JSON.stringify(flag)}: src or env is required`, { fromDaemon: false });
    }
  }
  return values;
}

function labels(flags: string[]): Record<string, string> {
  return Object.fromEntries(flags.map((flag) => (flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, ''])));
}

/** A missing base image is pulled as `run` pulls one: the pull's lines on stderr. */
async function pullQuietly(context: CliContext, name: string): Promise<void> {
  const pull = await import('./pull.ts');
  const onStderr = Object.create(context, { out: { value: context.err } }) as CliContext;
  const code = await pull.run(onStderr, [name], 'pull');
  if (code) throw new WharfError(`failed to pull the base image ${name}`);
}
