// Build output in BuildKit's plain form: `#N [stage i/n] INSTRUCTION`, the step's output lines with their seconds, then CACHED, DONE or ERROR.
import type { BuildProgress, Vertex, Write } from './progress.ts';

export class PlainProgress implements BuildProgress {
  private count = 0;
  private readonly write: Write;

  constructor(write: Write) {
    this.write = write;
  }

  vertex(name: string): Vertex {
    this.count += 1;
    return new PlainVertex(this.count, name, this.write);
  }

  finish(): void {}
}

class PlainVertex implements Vertex {
  private readonly started = performance.now();
  private pending = '';
  private readonly number: number;
  private readonly writeText: Write;

  constructor(number: number, name: string, write: Write) {
    this.number = number;
    this.writeText = write;
    this.writeText(`#${number} ${name}\n`);
  }

  /** A step's output, split into lines each stamped with the seconds since the step began. */
  output(chunk: Buffer | string): void {
    const lines = (this.pending + chunk.toString()).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  note(text: string): void {
    this.writeText(`#${this.number} ${text}\n`);
  }

  cached(): void {
    this.flush();
    this.writeText(`#${this.number} CACHED\n\n`);
  }

  done(): void {
    this.flush();
    this.writeText(`#${this.number} DONE ${this.seconds()}\n\n`);
  }

  error(message: string): void {
    this.flush();
    this.writeText(`#${this.number} ERROR: ${message}\n\n`);
  }

  private line(text: string): void {
    this.writeText(`#${this.number} ${((performance.now() - this.started) / 1000).toFixed(3)} ${text}\n`);
  }

  private flush(): void {
    if (this.pending) this.line(this.pending);
    this.pending = '';
  }

  private seconds(): string {
    return `${((performance.now() - this.started) / 1000).toFixed(1)}s`;
  }
}
