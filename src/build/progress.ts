// What a build reports as it goes: one vertex per step (BuildKit's word), each with output, notes and an ending; plain lines or a redrawn terminal.
export type Write = (text: string) => void;

export interface Vertex {
  /** The step's output, as it comes. */
  output(chunk: Buffer | string): void;
  note(text: string): void;
  cached(): void;
  done(): void;
  error(message: string): void;
}

export interface BuildProgress {
  vertex(name: string): Vertex;
  /** Draws the last state; called once, when the build has ended either way. */
  finish(): void;
}

/** Nothing at all (`-q`). */
export const quietProgress: BuildProgress = {
  vertex: () => ({ output() {}, note() {}, cached() {}, done() {}, error() {} }),
  finish() {},
};
