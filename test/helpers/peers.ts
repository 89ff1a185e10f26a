// Starts and stops real peers (dockerd, distribution) on private temp dirs, and runs skopeo, for tests.
import bcrypt from 'bcryptjs';
import { type ChildProcess, spawn } from 'node:child_process';
import { once as onceEvent } from 'node:events';
import { openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { type RunOptions, type RunResult, runCommand, which } from './run-command.ts';
import { tempDir } from './temp-dir.ts';
import type { TokenServer } from './token-server.ts';

type PeerContext = Pick<TestContext, 'skip' | 'after'>;

export interface Dockerd {
  /** DOCKER_HOST value, `unix://…/docker.sock`. */
  host: string;
  socket: string;
  dir: string;
  docker(args: string[], options?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

export interface DockerdOptions {
  /** Keep Docker's default bridge and iptables rules (shared with any other dockerd on the host). Default false. */
  network?: boolean;
}

export interface Distribution {
  /** `127.0.0.1:PORT`, as used in image references. */
  host: string;
  port: number;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// a test process that dies early must not leave daemons behind
process.on('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * True when every program is installed. Otherwise, outside CI the test is skipped with the reason and
 * false returned; in CI (`CI` set) it throws, because a missing peer there is a broken machine.
 */
export function needPeers(t: Pick<TestContext, 'skip'>, ...programs: string[]): boolean {
  const missing = programs.filter((program) => !which(program));
  if (!missing.length) return true;
  const reason = `peer not installed: ${missing.join(', ')}`;
  if (process.env.CI) throw new Error(`${reason} (required in CI)`);
  t.skip(reason);
  return false;
}

/** A private Docker engine, stopped and removed after the test; undefined when skipped. */
export async function startDockerd(t: PeerContext, options: DockerdOptions = {}): Promise<Dockerd | undefined> {
  if (!needPeers(t, 'dockerd', 'docker')) return undefined;
  if (process.getuid?.() !== 0 && !process.env.CI) return void t.skip('dockerd needs root');
  const dir = tempDir(undefined, 'wharf-dockerd-');
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: join(dir, 'cli') };
  const docker = (args: string[], runOptions: RunOptions = {}) =>
    runCommand('docker', args, { ...runOptions, env: { ...env, ...runOptions.env } });
  const child = spawnLogged('dockerd', dockerdArgs(dir, options), join(dir, 'dockerd.log'));
  const stop = callOnce(() => stopDaemon(child, dir));
  t.after(stop);
  await waitUntil(child, join(dir, 'dockerd.log'), async () => (await docker(['version'])).code === 0, 60_000);
  return { host, socket, dir, docker, stop };
}

function dockerdArgs(dir: string, options: DockerdOptions): string[] {
  // a system containerd may be shared with other engines, so each engine gets its own namespaces
  const namespace = `wharf-${basename(dir)}`;
  return [
    ...['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '-H', `unix://${join(dir, 'docker.sock')}`],
    ...['--pidfile', join(dir, 'dockerd.pid'), '--insecure-registry', '127.0.0.0/8'],
    ...['--containerd-namespace', namespace, '--containerd-plugins-namespace', `${namespace}-plugins`],
    ...(options.network ? [] : ['--bridge=none', '--iptables=false']),
  ];
}

/** skopeo with the trust policy switched off, as tests copy unsigned images. */
export function skopeo(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runCommand('skopeo', ['--insecure-policy', ...args], options);
}

export interface DistributionOptions {
  port?: number;
  /** username → password: htpasswd (bcrypt) Basic auth. */
  htpasswd?: Record<string, string>;
  /** Bearer tokens from this token server (test/helpers/token-server.ts). */
  token?: Pick<TokenServer, 'realm' | 'service' | 'issuer' | 'certFile'>;
  /** Serve HTTPS with this certificate and key (PEM files); with `clientCa`, require client certificates it signed. */
  tls?: { cert: string; key: string; clientCa?: string };
  /** The address to listen on; 127.0.0.1 by default. */
  address?: string;
}

/** The CNCF distribution registry on loopback (port 0: a free one), stopped after the test; undefined when skipped. */
export async function startDistribution(t: PeerContext, options: DistributionOptions = {}): Promise<Distribution | undefined> {
  if (!needPeers(t, 'docker-registry')) return undefined;
  const dir = tempDir(undefined, 'wharf-registry-');
  const port = options.port || (await freePort());
  const config = join(dir, 'config.yml');
  const address = options.address ?? '127.0.0.1';
  writeFileSync(config, registryConfig(join(dir, 'data'), `${address}:${port}`, options.tls) + authConfig(dir, options));
  const child = spawnLogged('docker-registry', ['serve', config], join(dir, 'registry.log'));
  const stop = callOnce(() => stopDaemon(child, dir));
  t.after(stop);
  const url = `${options.tls ? 'https' : 'http'}://${address}:${port}`;
  await waitUntil(child, join(dir, 'registry.log'), () => (options.tls ? listening(address, port) : answers(`${url}/v2/`)), 20_000);
  return { host: `${address}:${port}`, port, url, dir, stop };
}

function registryConfig(root: string, addr: string, tls: DistributionOptions['tls']): string {
  const clientCas = tls?.clientCa ? `\n    clientcas:\n      - ${tls.clientCa}` : '';
  return [
    'version: 0.1',
    'log:\n  level: warn',
    `storage:\n  filesystem:\n    rootdirectory: ${root}\n  delete:\n    enabled: true`,
    `http:\n  addr: ${addr}${tls ? `\n  tls:\n    certificate: ${tls.cert}\n    key: ${tls.key}${clientCas}` : ''}`,
    '',
  ].join('\n');
}

/** A TLS registry may demand a client certificate, so readiness is a TCP connect. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function authConfig(dir: string, options: DistributionOptions): string {
  if (options.htpasswd) {
    const file = join(dir, 'htpasswd');
    // bcrypt's lowest cost: the registry checks every request's password, and these are throwaway test users
    const lines = Object.entries(options.htpasswd).map(([user, password]) => `${user}:${bcrypt.hashSync(password, 4)}\n`);
    writeFileSync(file, lines.join(''));
    return `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${file}\n`;
  }
  if (options.token) {
    const { realm, service, issuer, certFile } = options.token;
    return `auth:\n  token:\n    realm: ${realm}\n    service: ${service}\n    issuer: ${issuer}\n    rootcertbundle: ${certFile}\n`;
  }
  return '';
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    return response.status === 200 || response.status === 401;
  } catch {
    return false;
  }
}

function spawnLogged(program: string, args: string[], logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(program, args, { stdio: ['ignore', log, log] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

async function waitUntil(child: ChildProcess, logFile: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await ready()) return;
    await sleep(200);
  }
  const tail = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  throw new Error(`${child.spawnfile} did not start (${child.exitCode ?? child.signalCode ?? 'timeout'}); log tail:\n${tail}`);
}

async function stopDaemon(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = onceEvent(child, 'exit');
    child.kill('SIGTERM');
    // dockerd stops its containers first, which can take its 15 s shutdown timeout
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Both the test's `after` hook and the test itself may stop a peer. */
function callOnce(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await onceEvent(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}
