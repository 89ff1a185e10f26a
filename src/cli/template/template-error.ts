// The one error type the template engine throws, carrying Go's exact message text.
import { InvalidArgumentError } from '../../errors.ts';

/**
 * A template that failed to parse or to execute. Templates are checked in the client,
 * so the CLI prints these as `Error: …`, never as a daemon response.
 */
export class TemplateError extends InvalidArgumentError {
  readonly phase: 'parse' | 'execute';

  constructor(message: string, phase: 'parse' | 'execute') {
    super(message, { fromDaemon: false });
    this.phase = phase;
  }
}
