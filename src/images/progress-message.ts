// The progress messages of a pull or push, in the Engine API's JSON-stream shape that the Docker CLI renders.

export interface ProgressMessage {
  status: string;
  /** A layer's short ID, or the tag a `Pulling from` line is about. */
  id?: string;
  progressDetail?: { current?: number; total?: number };
}

export type ProgressSink = (message: ProgressMessage) => void;
