// Parses -v, --mount and --tmpfs into one mount request type, with the texts docker/cli and dockerd use for bad specifications.
import { posix } from 'node:path';
import { UsageError } from '../../cli/usage-error.ts';
import { InvalidArgumentError } from '../../errors.ts';

export type MountRequest =
  | { type: 'bind'; source: string; target: string; readOnly: boolean; propagation?: string; /** -v creates a missing source, --mount refuses it */ createSource: boolean }
  | { type: 'volume'; /** undefined: an anonymous volume */ name?: string; target: string; readOnly: boolean; noCopy: boolean; labels?: Record<string, string> }
  | { type: 'tmpfs'; target: string; options: string[] };

/** Go's filepath.Clean for absolute paths: no trailing slash, no `.` or `..` parts. */
function cleanPath(path: string): string {
  return posix.normalize(path).replace(/(.)\/+$/, '$1');
}

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const CONSISTENCY = new Set(['consistent', 'cached', 'delegated']);

/** A daemon-side refusal of a mount: dockerd's text, exit 125 as `docker run` gives it. */
export function invalidMount(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, { exitCode: 125 });
}

/** `-v [SOURCE:]TARGET[:MODE]`: an absolute source is a bind mount, a name a named volume, no source an anonymous volume. */
export function parseVolumeFlag(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((part) => part === '')) throw invalidMount(`invalid volume specification: '${spec}'`);
  const [source, target, mode] = parts.length === 1 ? [undefined, parts[0], undefined] : (parts as [string, string, string | undefined]);
  const isBind = source !== undefined && source.startsWith('/');
  const type = isBind ? 'bind' : 'volume';
  if (!target.startsWith('/')) throw invalidMount(`invalid volume specification: '${spec}': invalid mount config for type "${type}": invalid mount path: '${target}' mount path must be absolute`);
  if (cleanPath(target) === '/') throw invalidMount(`invalid volume specification: '${spec}': invalid mount config for type "${type}": invalid specification: destination can't be '/'`);
  const flags = parseMode(mode, { isBind });
  if (isBind) return { type: 'bind', source: cleanPath(source), target: cleanPath(target), readOnly: flags.readOnly, propagation: flags.propagation, createSource: true };
  return { type: 'volume', name: source, target: cleanPath(target), readOnly: flags.readOnly, noCopy: flags.noCopy };
}

function parseMode(mode: string | undefined, options: { isBind: boolean }): { readOnly: boolean; noCopy: boolean; propagation?: string } {
  const result: { readOnly: boolean; noCopy: boolean; propagation?: string } = { readOnly: false, noCopy: false };
  if (mode === undefined) return result;
  const seen = { access: 0, label: 0, propagation: 0, copy: 0, consistency: 0 };
  for (const flag of mode.split(',')) {
    if (flag === 'ro' || flag === 'rw') (seen.access++, (result.readOnly = flag === 'ro'));
    else if (flag === 'z' || flag === 'Z') seen.label++;
    else if (PROPAGATION.has(flag)) (seen.propagation++, (result.propagation = flag));
    else if (flag === 'nocopy' && !options.isBind) (seen.copy++, (result.noCopy = true));
    else if (CONSISTENCY.has(flag)) seen.consistency++;
    else throw invalidMount(`invalid mode: ${mode}`);
  }
  if (Object.values(seen).some((count) => count > 1)) throw invalidMount(`invalid mode: ${mode}`);
  return result;
}

/** `--tmpfs /path[:options]`. */
export function parseTmpfsFlag(spec: string): MountRequest {
  const colon = spec.indexOf(':');
  const target = colon < 0 ? spec : spec.slice(0, colon);
  const options = colon < 0 || spec.slice(colon + 1) === '' ? [] : spec.slice(colon + 1).split(',');
  if (!target.startsWith('/')) throw invalidMount(`invalid mount path: '${target}' mount path must be absolute`);
  return { type: 'tmpfs', target: cleanPath(target), options };
}

/** `--mount type=bind|volume|tmpfs,source=…,target=…,readonly,…` (docker/cli's opts.MountOpt, then dockerd's checks). */
export function parseMountFlag(csv: string): MountRequest {
  const fail = (why: string) => new UsageError(`invalid argument "${csv}" for "--mount" flag: ${why}`);
  const fields: Record<string, string> = {};
  const labels: Record<string, string> = {};
  let readOnly = false;
  let noCopy = false;
  for (const field of csv.split(',')) {
    const equals = field.indexOf('=');
    const key = (equals < 0 ? field : field.slice(0, equals)).toLowerCase();
    const value = equals < 0 ? undefined : field.slice(equals + 1);
    if (value === undefined && !['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'].includes(key)) throw fail(`invalid field '${field}' must be a key=value pair`);
    if (key === 'readonly' || key === 'ro') readOnly = parseBool(value, key, fail);
    else if (key === 'volume-nocopy') noCopy = parseBool(value, key, fail);
    else if (key === 'volume-label') labels[value!.split('=')[0]] = value!.split('=').slice(1).join('=');
    else if (key === 'src' || key === 'source') fields.source = value!;
    else if (key === 'target' || key === 'dst' || key === 'destination') fields.target = value!;
    else if (['type', 'bind-propagation', 'tmpfs-size', 'tmpfs-mode', 'consistency', 'volume-driver', 'volume-opt', 'bind-nonrecursive'].includes(key)) fields[key] = value ?? 'true';
    else throw fail(`unexpected key '${key}' in '${field}'`);
  }
  const type = fields.type ?? 'volume';
  if (!fields.target) throw fail('target is required');
  const prefix = `invalid mount config for type "${type}"`;
  if (!fields.target.startsWith('/')) throw invalidMount(`${prefix}: invalid mount path: '${fields.target}' mount path must be absolute`);
  const target = cleanPath(fields.target);
  if (type === 'bind') {
    if (!fields.source) throw invalidMount(`${prefix}: field Source must not be empty`);
    if (!fields.source.startsWith('/')) throw invalidMount(`${prefix}: invalid mount path: '${fields.source}' mount path must be absolute`);
    return { type: 'bind', source: cleanPath(fields.source), target, readOnly, propagation: fields['bind-propagation'], createSource: false };
  }
  if (type === 'volume') return { type: 'volume', name: fields.source || undefined, target, readOnly, noCopy, labels };
  if (type === 'tmpfs') {
    if (fields.source) throw invalidMount(`${prefix}: field Source must not be specified`);
    const options = [...(fields['tmpfs-size'] ? [`size=${fields['tmpfs-size']}`] : []), ...(fields['tmpfs-mode'] ? [`mode=${fields['tmpfs-mode']}`] : []), ...(readOnly ? ['ro'] : [])];
    return { type: 'tmpfs', target, options };
  }
  throw invalidMount(`${prefix}: mount type unknown`);
}

function parseBool(value: string | undefined, key: string, fail: (why: string) => Error): boolean {
  if (value === undefined) return true;
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw fail(`invalid value for ${key}: ${value}`);
}
