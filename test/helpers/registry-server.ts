// Starts `wharf registry serve` as a real process on a free loopback port, for end-to-end tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { tempDir } from './temp-dir.ts';

const WHARF_BIN = resolve(import.meta.dirname, '../../bin/wharf');

export interface WharfRegistry {
  /** `127.0.0.1:PORT`. */
  host: string;
  url: string;
  root: string;
  dir: string;
  /** The server's stdout (access log) and stderr so far. */
  log(): string;
  pid(): number;
  /** Stops it: SIGTERM lets in-flight requests finish; SIGKILL does not. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and root. */
  restart(): Promise<void>;
}

export interface WharfRegistryOptions {
  /** More `registry serve` flags. */
  args?: string[];
  root?: string;
  scheme?: 'http' | 'https';
  /** Leave out `--addr` and `--root`, so that a `--config` file decides them. */
  fromConfig?: boolean;
}

export async function startWharfRegistry(t: Pick<TestContext, 'after'>, options: WharfRegistryOptions = {}): Promise<WharfRegistry> {
  const dir = tempDir(undefined, 'wharf-registry-server-');
  const root = options.root ?? join(dir, 'data');
  mkdirSync(root, { recursive: true });
  const logFiles: string[] = [];
  const scheme = options.scheme ?? 'http';
  let child: ChildProcess;
  let host = '127.0.0.1:0';
  const launch = async () => {
    const logFile = join(dir, `server-${logFiles.length}.log`);
    logFiles.push(logFile);
    const log = openSync(logFile, 'a');
    child = spawn(WHARF_BIN, ['registry', 'serve', ...(options.fromConfig ? [] : ['--addr', host, '--root', root]), ...(options.args ?? [])], { stdio: ['ignore', log, log], env: { ...process.env, WHARF_ROOT: join(dir, 'wharf-root') } });
    host = await listeningAddress(child, logFile);
  };
  await launch();
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  t.after(async () => {
    // a server that died on its own is a bug: show why before its directory goes
    if (child.exitCode !== null && child.exitCode !== 0) process.stderr.write(`wharf registry exited ${child.exitCode}:\n${logFiles.map((f) => readFileSync(f, 'utf8')).join('').slice(-3000)}\n`);
    await stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get host() { return host; },
    get url() { return `${scheme}://${host}`; },
    root,
    dir,
    log: () => logFiles.map((file) => readFileSync(file, 'utf8')).join(''),
    pid: () => child.pid as number,
    stop,
    restart: launch,
  };
}

async function listeningAddress(child: ChildProcess, logFile: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const match = /listening on (\S+)/.exec(readFileSync(logFile, 'utf8'));
    if (match) return match[1];
    await sleep(50);
  }
  throw new Error(`wharf registry serve did not start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

/** A free loopback port, for servers whose own URL must be known before they start (a token realm). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
