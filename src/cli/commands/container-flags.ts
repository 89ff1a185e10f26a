// The flags `run` and `create` share, parsed as docker/cli does: flags stop at the image, everything after it is the command.
import { parseGoDuration } from '../../build/steps/go-duration.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { CreateOptions } from '../../runtime/containers/create.ts';
import type { Healthcheck } from '../../runtime/containers/healthcheck.ts';
import { readSecurityOpts } from '../../runtime/spec/security-opts.ts';
import { type FlagSpec, parseFlags, requireArgs, stringList } from '../flags.ts';

export const CREATE_FLAGS: FlagSpec = {
  interactive: { type: 'boolean', short: 'i' },
  tty: { type: 'boolean', short: 't' },
  rm: { type: 'boolean' },
  name: { type: 'string' },
  attach: { type: 'string', short: 'a', multiple: true },
  env: { type: 'string', short: 'e', multiple: true },
  'env-file': { type: 'string', multiple: true },
  workdir: { type: 'string', short: 'w' },
  user: { type: 'string', short: 'u' },
  entrypoint: { type: 'string' },
  hostname: { type: 'string', short: 'h' },
  restart: { type: 'string' },
  publish: { type: 'string', short: 'p', multiple: true },
  'publish-all': { type: 'boolean', short: 'P' },
  expose: { type: 'string', multiple: true },
  volume: { type: 'string', short: 'v', multiple: true },
  mount: { type: 'string', multiple: true },
  tmpfs: { type: 'string', multiple: true },
  network: { type: 'string', multiple: true },
  net: { type: 'string', multiple: true },
  memory: { type: 'string', short: 'm' },
  cpus: { type: 'string' },
  'pids-limit': { type: 'string' },
  'read-only': { type: 'boolean' },
  privileged: { type: 'boolean' },
  'security-opt': { type: 'string', multiple: true },
  init: { type: 'boolean' },
  label: { type: 'string', short: 'l', multiple: true },
  runtime: { type: 'string' },
  'log-opt': { type: 'string', multiple: true },
  'stop-signal': { type: 'string' },
  'stop-timeout': { type: 'string' },
  'sig-proxy': { type: 'boolean' },
  'detach-keys': { type: 'string' },
  'health-cmd': { type: 'string' },
  'health-interval': { type: 'string' },
  'health-timeout': { type: 'string' },
  'health-start-period': { type: 'string' },
  'health-start-interval': { type: 'string' },
  'health-retries': { type: 'string' },
  'no-healthcheck': { type: 'boolean' },
};

export const RUN_FLAGS: FlagSpec = { ...CREATE_FLAGS, detach: { type: 'boolean', short: 'd' } };

export interface ParsedContainerFlags {
  values: Record<string, unknown>;
  image: string;
  command: string[];
}

/** pflag's SetInterspersed(false): the first argument that is not a flag or a flag's value is the image. */
export function parseContainerFlags(args: string[], spec: FlagSpec, path: string): ParsedContainerFlags {
  const split = firstPositional(args, spec);
  const { values } = parseFlags(args.slice(0, split), spec, path);
  const rest = args.slice(split);
  if (rest[0] === '--') rest.shift();
  requireArgs(rest, { min: 1 }, path, `${path} [OPTIONS] IMAGE [COMMAND] [ARG...]`);
  return { values, image: rest[0], command: rest.slice(1) };
}

function firstPositional(args: string[], spec: FlagSpec): number {
  const takesValue = (name: string) => spec[name]?.type === 'string';
  const shortName = (letter: string) => Object.keys(spec).find((key) => spec[key].short === letter);
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--' || !arg.startsWith('-') || arg === '-') return index;
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && takesValue(arg.slice(2))) index++;
      continue;
    }
    // a cluster of short flags: the first that takes a value takes the rest of the cluster, or the next argument
    for (let position = 1; position < arg.length; position++) {
      const name = shortName(arg[position]);
      if (name && takesValue(name)) {
        if (position === arg.length - 1) index++;
        break;
      }
    }
  }
  return args.length;
}

export function createOptionsOf(parsed: ParsedContainerFlags, options: { detach: boolean }): CreateOptions {
  const { values } = parsed;
  const text = (name: string) => values[name] as string | undefined;
  const flag = (name: string) => values[name] === true;
  return {
    image: parsed.image,
    command: parsed.command,
    name: text('name'),
    env: stringList(values.env),
    envFiles: stringList(values['env-file']),
    workdir: text('workdir'),
    user: text('user'),
    entrypoint: values.entrypoint === undefined ? undefined : [values.entrypoint as string].filter((word) => word !== ''),
    hostname: text('hostname'),
    tty: flag('tty'),
    interactive: flag('interactive'),
    attached: !options.detach,
    restart: text('restart'),
    autoRemove: flag('rm'),
    publish: stringList(values.publish),
    publishAll: flag('publish-all'),
    expose: stringList(values.expose),
    volumes: stringList(values.volume),
    mounts: stringList(values.mount),
    tmpfs: stringList(values.tmpfs),
    ...networkOptions([...stringList(values.network), ...stringList(values.net)]),
    memory: text('memory'),
    cpus: text('cpus'),
    pidsLimit: text('pids-limit'),
    readOnly: flag('read-only'),
    privileged: flag('privileged'),
    init: flag('init'),
    labels: stringList(values.label),
    runtime: text('runtime'),
    logOpts: stringList(values['log-opt']),
    securityOpt: readSecurityOpts(stringList(values['security-opt'])),
    stopSignal: text('stop-signal'),
    stopTimeout: text('stop-timeout'),
    healthcheck: healthcheckOf(values),
  };
}

/** The first --network is the container's primary one, each other one an extra network; host and none only alone (docker/cli's check). */
function networkOptions(networks: string[]): Pick<CreateOptions, 'network' | 'extraNetworks'> {
  const [network, ...extra] = networks;
  if (extra.length === 0) return { network };
  if (networks.some((name) => ['host', 'none', 'default'].includes(name) || name.startsWith('container:'))) {
    throw new InvalidArgumentError('conflicting options: cannot attach both user-defined and non-user-defined network-modes', USAGE_ERROR);
  }
  return { network, extraNetworks: Object.fromEntries(extra.map((name) => [name, {}])) };
}

/** docker/cli's errors in its flags: exit 125, its own words (not the daemon's). */
const USAGE_ERROR = { exitCode: 125, fromDaemon: false };

/** docker/cli's: any --health-* flag gives a healthcheck (a test only with --health-cmd: the image's stays), --no-healthcheck `NONE`. */
function healthcheckOf(values: Record<string, unknown>): Healthcheck | undefined {
  const duration = (name: string) => (values[name] === undefined ? 0 : parseGoDuration(values[name] as string, `--${name}`));
  const command = (values['health-cmd'] as string | undefined) ?? '';
  const retries = values['health-retries'] === undefined ? 0 : Number(values['health-retries']);
  if (!Number.isInteger(retries)) throw new InvalidArgumentError(`invalid argument "${values['health-retries']}" for "--health-retries" flag: strconv.ParseInt: parsing "${values['health-retries']}": invalid syntax`, USAGE_ERROR);
  if (retries < 0) throw new InvalidArgumentError('--health-retries cannot be negative', USAGE_ERROR);
  const check = { Test: command ? ['CMD-SHELL', command] : [], Interval: duration('health-interval'), Timeout: duration('health-timeout'), StartPeriod: duration('health-start-period'), StartInterval: duration('health-start-interval'), Retries: retries };
  const given = command !== '' || check.Interval || check.Timeout || check.StartPeriod || check.StartInterval || check.Retries;
  if (values['no-healthcheck'] !== true) return given ? check : undefined;
  if (given) throw new InvalidArgumentError('--no-healthcheck conflicts with --health-* options', USAGE_ERROR);
  return { Test: ['NONE'] };
}
