// What every command gets: its streams, environment, and the store, opened only when a command needs it.
import type { Readable, Writable } from 'node:stream';
import { defaultDataRoot } from '../store/data-root.ts';
import type { Store } from '../store/store.ts';

export interface CliContext {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  dataRoot: string;
  store(): Promise<Store>;
  out(text: string): void;
  err(text: string): void;
}

export function createContext(options: { dataRoot?: string }): CliContext {
  const dataRoot = options.dataRoot ?? defaultDataRoot(process.env);
  let store: Promise<Store> | undefined;
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    dataRoot,
    // Loaded on first use: commands that need no store (version) skip SQLite and the content store entirely.
    store: () => (store ??= import('../store/store.ts').then(({ openStore }) => openStore(dataRoot))),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}
