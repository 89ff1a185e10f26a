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
  let dataRoot = options.dataRoot;
  let store: Promise<Store> | undefined;
  const root = () => (dataRoot ??= defaultDataRoot(process.env));
  // Getters, not values: touching process.stdin or reading daemon.json costs start-up time a command may not need.
  return {
    get stdin() {
      return process.stdin;
    },
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    get dataRoot() {
      return root();
    },
    // Loaded on first use: commands that need no store (version) skip SQLite and the content store entirely.
    store: () => (store ??= import('../store/store.ts').then(({ openStore }) => openStore(root()))),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}
