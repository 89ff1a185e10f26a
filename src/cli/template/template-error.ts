// The one error type the template engine throws, carrying Go's exact message text.
import { InvalidArgumentError } from '../../errors.ts';

/**
 * A template that failed to parse or to execute. Templates are checked in the client,
 * so the CLI prints these as `Error: …`, never as a daemon response.
 */
export class TemplateError extends InvalidArgumentError {
  readonly phase: 'parse' | 'execute';
  /** What execution wrote before it failed: Go leaves it in the writer, and Docker prints it for table headers. */
  readonly partialOutput: string;

  constructor(message: string, phase: 'parse' | 'execute', partialOutput = '') {
    super(message, { fromDaemon: false });
    this.phase = phase;
    this.partialOutput = partialOutput;
  }
}
