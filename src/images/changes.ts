// Applies `--change` Dockerfile instructions (CMD, ENTRYPOINT, ENV, …) to a container config, as import and commit do.
import { InvalidArgumentError } from '../errors.ts';
import type { ContainerConfig } from '../oci/types.ts';

const ALLOWED = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'USER', 'VOLUME', 'WORKDIR', 'ONBUILD']);

export function applyChanges(base: ContainerConfig, changes: string[]): ContainerConfig {
  let config: ContainerConfig = { ...base };
  for (const change of changes) config = applyOne(config, change.trim());
  return config;
}

function applyOne(config: ContainerConfig, change: string): ContainerConfig {
  const match = /^(\S+)\s*(.*)$/s.exec(change);
  const instruction = (match?.[1] ?? '').toUpperCase();
  const rest = match?.[2]?.trim() ?? '';
  if (!ALLOWED.has(instruction)) throw new InvalidArgumentError(`${(match?.[1] ?? change).toLowerCase()} is not a valid change command`);
  switch (instruction) {
    case 'CMD':
      return { ...config, Cmd: commandForm(rest) };
    case 'ENTRYPOINT':
      return { ...config, Entrypoint: commandForm(rest) };
    case 'ENV':
      return { ...config, Env: mergeEnv(config.Env ?? [], keyValues(rest, 'ENV')) };
    case 'LABEL':
      return { ...config, Labels: { ...(config.Labels ?? {}), ...Object.fromEntries(keyValues(rest, 'LABEL')) } };
    case 'EXPOSE':
      return { ...config, ExposedPorts: { ...(config.ExposedPorts ?? {}), ...Object.fromEntries(rest.split(/\s+/).map((port) => [port.includes('/') ? port : `${port}/tcp`, {}])) } };
    case 'USER':
      return { ...config, User: rest };
    case 'WORKDIR':
      return { ...config, WorkingDir: rest };
    case 'VOLUME':
      return { ...config, Volumes: { ...(config.Volumes ?? {}), ...Object.fromEntries(listForm(rest).map((volume) => [volume, {}])) } };
    default:
      return { ...config, OnBuild: [...(config.OnBuild ?? []), rest] };
  }
}

/** `["a","b"]` is the exec form; anything else runs through `/bin/sh -c`. */
function commandForm(rest: string): string[] {
  const json = jsonArray(rest);
  return json ?? ['/bin/sh', '-c', rest];
}

function listForm(rest: string): string[] {
  return jsonArray(rest) ?? rest.split(/\s+/).filter(Boolean);
}

function jsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `K=V K2="V 2"` pairs, or the legacy `K V` form with a single pair. */
function keyValues(rest: string, instruction: string): Array<[string, string]> {
  if (!/^("[^"]*"|'[^']*'|[^\s=])+=/.test(rest)) {
    const space = rest.search(/\s/);
    if (space < 0) throw new InvalidArgumentError(`${instruction} must have two arguments`);
    return [[rest.slice(0, space), rest.slice(space + 1).trim()]];
  }
  return shellWords(rest).map((word): [string, string] => {
    const eq = word.indexOf('=');
    if (eq < 0) throw new InvalidArgumentError(`Syntax error - can't find = in "${word}". Must be of the form: name=value`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

/** Splits on unquoted whitespace and removes quotes and backslashes, as the Dockerfile parser reads `K=V` words. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += char;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else {
      word = (word ?? '') + (char === '\\' && i + 1 < text.length ? text[++i] : char);
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function mergeEnv(env: string[], pairs: Array<[string, string]>): string[] {
  const merged = [...env];
  for (const [key, value] of pairs) {
    const index = merged.findIndex((entry) => entry.split('=')[0] === key);
    if (index >= 0) merged[index] = `${key}=${value}`;
    else merged.push(`${key}=${value}`);
  }
  return merged;
}
