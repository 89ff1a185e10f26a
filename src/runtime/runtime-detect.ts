// Finds the OCI runtime (runc or crun) and proves it can start a container on this host; --runtime, WHARF_RUNTIME and daemon.json override the choice.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { WharfError } from '../errors.ts';
import { DEFAULT_CONFIG_FILE, readDaemonConfig } from '../store/data-root.ts';

export interface OciRuntime {
  /** The name a user picks it by (`runc`), as `docker info` shows it. */
  name: string;
  path: string;
}

export interface RuntimeChoice {
  /** `--runtime` */
  flag?: string;
  env?: NodeJS.ProcessEnv;
  /** The data root: the verdict of a probe is cached there, keyed by the binary's path and mtime. */
  root: string;
}

const CANDIDATES = ['runc', 'crun'];

/** The runtime to use: the one asked for (flag, WHARF_RUNTIME, daemon.json `default-runtime`) or the first candidate that works here. */
export function detectRuntime(choice: RuntimeChoice): OciRuntime {
  const env = choice.env ?? process.env;
  const config = readDaemonConfig(env.WHARF_CONFIG ?? DEFAULT_CONFIG_FILE);
  const asked = choice.flag || env.WHARF_RUNTIME || (typeof config['default-runtime'] === 'string' ? config['default-runtime'] : undefined);
  const runtimes = (config.runtimes ?? {}) as Record<string, { path?: string }>;
  if (asked) {
    const path = runtimes[asked]?.path ?? findProgram(asked, env);
    if (!path) throw new WharfError(`unknown or invalid runtime name: ${asked}`, { exitCode: 125 });
    return { name: asked, path };
  }
  const failures: string[] = [];
  for (const name of CANDIDATES) {
    const path = findProgram(name, env);
    if (!path) continue;
    const verdict = probe(path, choice.root);
    if (verdict.ok) return { name, path };
    failures.push(`${name}: ${verdict.error}`);
  }
  const why = failures.length ? failures.join('; ') : 'neither runc nor crun is installed (apt-get install runc)';
  throw new WharfError(`no working OCI runtime: ${why}`, { exitCode: 125 });
}

function findProgram(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (name.includes('/')) return name;
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface Verdict {
  path: string;
  mtimeMs: number;
  ok: boolean;
  error?: string;
}

/** A cached verdict, or a real one: create a container (namespaces, cgroups) whose program does not exist. */
function probe(path: string, root: string): Verdict {
  const cacheFile = join(root, 'runtimes', `${path.replaceAll('/', '_')}.json`);
  const mtimeMs = statSync(path).mtimeMs;
  try {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as Verdict;
    if (cached.path === path && cached.mtimeMs === mtimeMs) return cached;
  } catch {
    // not probed yet
  }
  mkdirSync(join(root, 'runtimes'), { recursive: true, mode: 0o700 });
  const verdict = { path, mtimeMs, ...tryCreate(path, root) };
  writeFileSync(`${cacheFile}.${process.pid}`, JSON.stringify(verdict));
  process.getBuiltinModule('node:fs').renameSync(`${cacheFile}.${process.pid}`, cacheFile);
  return verdict;
}

/** The probe's bundle lives in the data root, `probe-<pid>`, so one a killed probe left is found and removed by the next. */
function tryCreate(path: string, root: string): { ok: boolean; error?: string } {
  const dir = join(root, 'runtimes');
  for (const pid of leftProbes(dir)) removeProbe(path, dir, pid);
  const bundle = join(dir, `probe-${process.pid}`);
  const state = join(bundle, 'state');
  const id = `wharf-probe-${process.pid}`;
  try {
    mkdirSync(join(bundle, 'rootfs'), { recursive: true });
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(probeSpec()));
    const created = spawnSync(path, ['--root', state, 'create', '--bundle', bundle, id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    const said = `${created.stderr ?? ''}${created.stdout ?? ''}`;
    // reaching the exec of a program that is not there means everything before it (namespaces, cgroups) worked
    if (created.status === 0 || /nonexistent.*no such file or directory/.test(said)) return { ok: true };
    return { ok: false, error: lastMessage(said) || `exit status ${created.status}` };
  } finally {
    removeProbe(path, dir, process.pid);
  }
}

/** The pids of probes whose process is gone. */
function leftProbes(dir: string): number[] {
  const pids = readdirSync(dir).map((name) => /^probe-(\d+)$/.exec(name)?.[1]).filter((pid) => pid !== undefined).map(Number);
  return pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  });
}

function removeProbe(runtimePath: string, dir: string, pid: number): void {
  const bundle = join(dir, `probe-${pid}`);
  spawnSync(runtimePath, ['--root', join(bundle, 'state'), 'delete', '--force', `wharf-probe-${pid}`], { stdio: 'ignore' });
  rmSync(bundle, { recursive: true, force: true });
}

function lastMessage(output: string): string {
  const line = output.trim().split('\n').at(-1) ?? '';
  return /msg="([^"]*)"/.exec(line)?.[1] ?? line;
}

function probeSpec(): Record<string, unknown> {
  return {
    ociVersion: '1.0.2',
    process: { terminal: false, user: { uid: 0, gid: 0 }, args: ['/nonexistent'], cwd: '/' },
    root: { path: 'rootfs', readonly: false },
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }, { type: 'network' }] },
  };
}
