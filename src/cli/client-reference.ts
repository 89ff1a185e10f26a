// References the Docker CLI parses itself before calling the daemon (pull, push): their errors carry no daemon prefix.
import { InvalidArgumentError } from '../errors.ts';
import { parseReference, type Reference } from '../reference/reference.ts';

export function parseClientReference(name: string): Reference {
  try {
    return parseReference(name);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new InvalidArgumentError(error.message, { cause: error, fromDaemon: false });
  }
}
