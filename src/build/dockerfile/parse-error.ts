// The error a malformed Dockerfile raises, naming its file and line as BuildKit does: `Dockerfile:7: unknown instruction: RUNN`.
import { InvalidArgumentError } from '../../errors.ts';

export class DockerfileParseError extends InvalidArgumentError {
  readonly fileName: string;
  /** 1-based; undefined for a fault of the whole file (an empty one). */
  readonly line: number | undefined;
  /** The message without its `file:line: ` prefix. */
  readonly reason: string;

  constructor(fileName: string, line: number | undefined, reason: string) {
    super(line === undefined ? reason : `${fileName}:${line}: ${reason}`);
    this.fileName = fileName;
    this.line = line;
    this.reason = reason;
  }
}
