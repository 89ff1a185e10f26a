// The instructions that change only the image config (ENV, LABEL, CMD, WORKDIR …): the new config, and the step comment the classic builder records.
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../errors.ts';
import { goQuote, goQuoteRune } from '../../cli/template/go-strings.ts';
import type { ContainerConfig } from '../../oci/types.ts';
import { expandWord, expandWords } from '../dockerfile/expand.ts';
import { flagValue } from '../dockerfile/flags.ts';
import type { Command, Instruction } from '../dockerfile/instructions.ts';
import { type StageState, lookupIn, setEnv, shellOf } from '../stage-state.ts';
import { parseGoDuration } from './go-duration.ts';

export type ConfigInstruction = Exclude<Instruction, { kind: 'FROM' | 'RUN' | 'COPY' | 'ADD' }>;

export interface ConfigChange {
  state: StageState;
  /** container_config.Cmd of the step: `[shell…, '#(nop) ', 'ENV A=1']` (WORKDIR's is one word, as moby writes it). */
  command: string[];
}

export interface ConfigContext {
  escape: '\\' | '`';
  /** `--build-arg` values; an ARG takes its value from here first. */
  buildArgs: Map<string, string>;
  /** Values of ARGs declared before the first FROM, which a stage's bare `ARG NAME` inherits. */
  metaArgs: Map<string, string | undefined>;
  /** Build args an ARG declared, for the "not consumed" warning. */
  consumed: Set<string>;
  /** A `$NAME` no ENV or ARG declares, for BuildKit's UndefinedVar warning. */
  onUndefined?(name: string): void;
}

export function applyConfigInstruction(state: StageState, instruction: ConfigInstruction, context: ConfigContext): ConfigChange {
  const expand = (raw: string) => expandWord(raw, lookupIn(state, context.onUndefined), context.escape);
  const words = (raw: string) => expandWords(raw, lookupIn(state, context.onUndefined), context.escape);
  const nop = (comment: string, config: ContainerConfig, next: Partial<StageState> = {}): ConfigChange => {
    const changed = { ...state, ...next, runConfig: config };
    return { state: changed, command: [...shellOf(changed), '#(nop) ', comment] };
  };
  const config = state.runConfig;
  switch (instruction.kind) {
    case 'ENV': {
      const pairs = instruction.pairs.map((pair) => [expand(pair.key), expand(pair.value)]);
      const env = pairs.reduce((list, [key, value]) => setEnv(list, key, value), config.Env ?? []);
      return nop(`ENV ${pairs.map(([key, value]) => `${key}=${value}`).join(' ')}`, { ...config, Env: env });
    }
    case 'LABEL': {
      const pairs = instruction.pairs.map((pair) => [expand(pair.key), expand(pair.value)]);
      return nop(`LABEL ${pairs.map(([key, value]) => `${key}=${value}`).join(' ')}`, { ...config, Labels: { ...(config.Labels ?? {}), ...Object.fromEntries(pairs) } });
    }
    case 'MAINTAINER':
      return nop(`MAINTAINER ${instruction.name}`, config, { maintainer: instruction.name });
    case 'EXPOSE': {
      const ports = words(instruction.ports.join(' '));
      const exposed = { ...(config.ExposedPorts ?? {}), ...Object.fromEntries(ports.flatMap(portKeys).map((port) => [port, {}])) };
      return nop(`EXPOSE ${ports.join(' ')}`, { ...config, ExposedPorts: exposed });
    }
    case 'USER': {
      const user = expand(instruction.user);
      return nop(`USER ${user}`, { ...config, User: user });
    }
    case 'WORKDIR': {
      const dir = posix.resolve(config.WorkingDir || '/', expand(instruction.path));
      const changed = { ...state, runConfig: { ...config, WorkingDir: dir } };
      return { state: changed, command: [...shellOf(changed), `#(nop) WORKDIR ${dir}`] };
    }
    case 'VOLUME': {
      // each path one word after expansion, as moby expands VOLUME's
      const paths = instruction.paths.map(expand);
      if (paths.some((path) => path === '')) throw new InvalidArgumentError('VOLUME specified can not be an empty string');
      return nop(`VOLUME [${paths.join(' ')}]`, { ...config, Volumes: { ...(config.Volumes ?? {}), ...Object.fromEntries(paths.map((path) => [path, {}])) } });
    }
    case 'STOPSIGNAL': {
      const signal = expand(instruction.signal);
      return nop(`STOPSIGNAL ${signal}`, { ...config, StopSignal: signal });
    }
    case 'CMD': {
      const cmd = commandArgs(state, instruction.command);
      return nop(`CMD ${goList(cmd)}`, { ...config, Cmd: cmd }, { cmdSet: true });
    }
    case 'ENTRYPOINT': {
      const entrypoint = commandArgs(state, instruction.command);
      // an ENTRYPOINT drops a CMD the base image set, not one this stage set
      return nop(`ENTRYPOINT ${goList(entrypoint)}`, { ...config, Entrypoint: entrypoint, Cmd: state.cmdSet ? config.Cmd : null });
    }
    case 'SHELL':
      return nop(`SHELL [${instruction.shell.join(' ')}]`, { ...config, Shell: instruction.shell });
    case 'ONBUILD':
      return nop(`ONBUILD ${instruction.trigger}`, { ...config, OnBuild: [...(config.OnBuild ?? []), instruction.trigger] });
    case 'HEALTHCHECK':
      return healthcheck(state, instruction, nop);
    case 'ARG':
      return declareArgs(state, instruction, context, nop);
  }
}

/** Exec form as written; shell form run by the stage's SHELL. */
export function commandArgs(state: StageState, command: Command): string[] {
  return command.form === 'exec' ? command.args : [...shellOf(state), command.text];
}

/** Go's `%q` of a []string: `["sh" "-c" "cat /v"]`. */
function goList(values: string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}

/** `80`, `80/udp`, `8000-8002/tcp` as ExposedPorts keys. */
function portKeys(spec: string): string[] {
  const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!match) throw new InvalidArgumentError(`Invalid containerPort: ${spec}`);
  const [first, last, protocol] = [Number(match[1]), Number(match[2] ?? match[1]), (match[3] ?? 'tcp').toLowerCase()];
  if (last < first) throw new InvalidArgumentError(`Invalid range specified for the Port: ${spec}`);
  return Array.from({ length: last - first + 1 }, (_, offset) => `${first + offset}/${protocol}`);
}

type Nop = (comment: string, config: ContainerConfig, next?: Partial<StageState>) => ConfigChange;

function healthcheck(state: StageState, instruction: Extract<Instruction, { kind: 'HEALTHCHECK' }>, nop: Nop): ConfigChange {
  const flag = (name: string) => flagValue(instruction, name);
  const duration = (name: string) => {
    const value = flag(name);
    return value === undefined ? 0 : parseGoDuration(value, `--${name}`);
  };
  const test = instruction.test === 'NONE' ? ['NONE'] : instruction.test.form === 'exec' ? ['CMD', ...instruction.test.args] : ['CMD-SHELL', instruction.test.text];
  const retries = Number(flag('retries') ?? 0);
  // StartInterval (Docker 25+) only when given: the classic builder of the Docker these builds are checked against has none
  const startInterval = duration('start-interval');
  const check = { Test: test, ...(instruction.test === 'NONE' ? {} : { Interval: duration('interval'), Timeout: duration('timeout'), StartPeriod: duration('start-period'), ...(startInterval ? { StartInterval: startInterval } : {}), Retries: retries }) };
  const shown = instruction.test === 'NONE' ? `&{[${goQuote('NONE')}] "0s" "0s" "0s" '\\x00'}` : `&{${goList(test)} "${goDurationText(check.Interval ?? 0)}" "${goDurationText(check.Timeout ?? 0)}" "${goDurationText(check.StartPeriod ?? 0)}" ${goQuoteRune(retries)}}`;
  return nop(`HEALTHCHECK ${shown}`, { ...state.runConfig, Healthcheck: check });
}

/** Nanoseconds as Go's Duration.String() writes whole seconds and minutes (what HEALTHCHECK flags give). */
function goDurationText(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  const seconds = nanoseconds / 1e9;
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

function declareArgs(state: StageState, instruction: Extract<Instruction, { kind: 'ARG' }>, context: ConfigContext, nop: Nop): ConfigChange {
  const args = new Map(state.args);
  const shown: string[] = [];
  for (const arg of instruction.args) {
    const defaultValue = arg.defaultValue === undefined ? undefined : expandWord(arg.defaultValue, lookupIn({ ...state, args }), context.escape);
    context.consumed.add(arg.name);
    args.set(arg.name, context.buildArgs.get(arg.name) ?? defaultValue ?? context.metaArgs.get(arg.name));
    shown.push(defaultValue === undefined ? arg.name : `${arg.name}=${defaultValue}`);
  }
  return nop(`ARG ${shown.join(' ')}`, state.runConfig, { args });
}
