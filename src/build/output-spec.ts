// `build -o`'s value: BuildKit's `type=…,dest=…` or a bare directory.
import { InvalidArgumentError } from '../errors.ts';

export interface OutputSpec {
  /** docker and oci: an image archive (`docker load` and OCI layout readers take it); tar: the root file system; local: it, in a directory. */
  type: 'docker' | 'oci' | 'tar' | 'local';
  /** A file, a directory (local), or `-` for stdout. */
  dest: string;
}

/** `type=tar,dest=out.tar`; a bare path means `type=local,dest=PATH`, as in BuildKit. */
export function parseOutputSpec(text: string): OutputSpec {
  if (!text.includes('=')) return text === '-' ? { type: 'tar', dest: '-' } : { type: 'local', dest: text };
  const fields = Object.fromEntries(text.split(',').map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)]));
  const type = fields.type;
  if (type !== 'docker' && type !== 'oci' && type !== 'tar' && type !== 'local') throw new InvalidArgumentError(`unsupported output type ${JSON.stringify(type ?? '')}: wharf writes docker, oci, tar or local`, { fromDaemon: false });
  if (!fields.dest) throw new InvalidArgumentError(`output type ${type} needs dest=`, { fromDaemon: false });
  return { type, dest: fields.dest };
}
