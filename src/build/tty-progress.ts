// Build progress on a terminal, as BuildKit draws it: a `[+] Building` header and one line per step with its time, the running step's last lines of output beneath, redrawn in place.
import type { BuildProgress, Vertex } from './progress.ts';

/** What the renderer needs of a terminal stream. */
export interface Terminal {
  write(text: string): unknown;
  columns?: number;
}

const REDRAW_MS = 100;
const TAIL_LINES = 6;

export class TtyProgress implements BuildProgress {
  private readonly vertices: TtyVertex[] = [];
  private readonly started = performance.now();
  private readonly terminal: Terminal;
  private readonly timer: NodeJS.Timeout;
  private drawnLines = 0;

  constructor(terminal: Terminal) {
    this.terminal = terminal;
    this.timer = setInterval(() => this.draw(false), REDRAW_MS);
    this.timer.unref();
  }

  vertex(name: string): Vertex {
    const vertex = new TtyVertex(name);
    this.vertices.push(vertex);
    this.draw(false);
    return vertex;
  }

  finish(): void {
    clearInterval(this.timer);
    this.draw(true);
  }

  private draw(final: boolean): void {
    const width = this.terminal.columns ?? 80;
    const completed = this.vertices.filter((vertex) => vertex.state !== 'running').length;
    const header = `[+] Building ${seconds(performance.now() - this.started)} (${completed}/${this.vertices.length})${final ? ' FINISHED' : ''}`;
    const lines = [header, ...this.vertices.flatMap((vertex) => vertex.lines(width))];
    const up = this.drawnLines ? `\x1b[${this.drawnLines}A` : '';
    this.terminal.write(`${up}${lines.map((line) => `\x1b[2K${line.slice(0, width)}\n`).join('')}\x1b[J`);
    this.drawnLines = lines.length;
  }
}

type State = 'running' | 'cached' | 'done' | 'error';

class TtyVertex implements Vertex {
  state: State = 'running';
  private readonly name: string;
  private readonly started = performance.now();
  private ended: number | undefined;
  private tail: string[] = [];
  private pending = '';

  constructor(name: string) {
    this.name = name;
  }

  output(chunk: Buffer | string): void {
    const lines = (this.pending + chunk.toString()).split('\n');
    this.pending = lines.pop() ?? '';
    this.tail = [...this.tail, ...lines].slice(-TAIL_LINES);
  }

  note(): void {}

  cached(): void {
    this.end('cached');
  }

  done(): void {
    this.end('done');
  }

  error(message: string): void {
    this.output(`${message}\n`);
    this.end('error');
  }

  /** ` => CACHED [2/5] COPY a.txt .      0.0s`, and while it runs (or once it failed) its output's last lines. */
  lines(width: number): string[] {
    const time = seconds((this.ended ?? performance.now()) - this.started);
    const prefix = this.state === 'cached' ? 'CACHED ' : this.state === 'error' ? 'ERROR ' : '';
    const label = ` => ${prefix}${this.name}`.slice(0, Math.max(0, width - time.length - 1));
    const line = `${label}${' '.repeat(Math.max(1, width - label.length - time.length))}${time}`;
    const showTail = this.state === 'running' || this.state === 'error';
    const tail = showTail ? [...this.tail, ...(this.pending ? [this.pending] : [])].map((text) => ` => => # ${text}`) : [];
    return [line, ...tail];
  }

  private end(state: State): void {
    this.state = state;
    this.ended = performance.now();
  }
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)}s`;
}
