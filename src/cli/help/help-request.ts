// `--help` on a command line: thrown by the flag parser before the command does anything, answered by the runner.
import type { FlagSpec } from '../flags.ts';

export class HelpRequest extends Error {
  /** The command as typed (`images`, `image ls`): the Usage line repeats it. */
  readonly commandPath: string;
  readonly spec: FlagSpec;

  constructor(commandPath: string, spec: FlagSpec) {
    super(`help for wharf ${commandPath}`);
    this.commandPath = commandPath;
    this.spec = spec;
  }
}
