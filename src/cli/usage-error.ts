// A command line Docker would reject before doing anything: printed bare, exit code 125.
import { WharfError } from '../errors.ts';

export class UsageError extends WharfError {
  constructor(message: string) {
    super(message, { exitCode: 125, fromDaemon: false });
  }
}
