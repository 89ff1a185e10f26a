// Runs the repo's `bin/wharf` on a private temporary data root, without a TTY, for end-to-end tests.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { type RunOptions, type RunResult, runCommand } from './run-command.ts';
import { tempDir } from './temp-dir.ts';

export { tempDir, withTempDir } from './temp-dir.ts';
export type { RunOptions, RunResult } from './run-command.ts';

export interface Wharf {
  /** The data root, passed as WHARF_ROOT. */
  root: string;
  /** `env` is added to the inherited environment; stdin is a pipe, closed after `input`. */
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Runs a command whose reader goes away (`wharf save busybox | head -c 1`): stdout closes after its first bytes, or before any when `closeAt` is 'start'. */
  runToGoneReader(args: string[], closeAt?: 'start' | 'first-bytes'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  cleanup(): void;
}

const WHARF_BIN = resolve(import.meta.dirname, '../../bin/wharf');

/**
 * A wharf on its own data root and Docker config dir (so the host's `~/.docker/config.json` never leaks in);
 * with a test context it is cleaned up after the test.
 */
export function makeWharf(t?: Pick<TestContext, 'after'> & Partial<Pick<TestContext, 'fullName'>>): Wharf {
  const dir = tempDir(undefined, 'wharf-cli-');
  const root = join(dir, 'root');
  const dockerConfig = join(dir, 'docker-config');
  mkdirSync(root);
  mkdirSync(dockerConfig);
  // should a root ever be left behind, this names the test that made it
  writeFileSync(join(dir, 'made-by'), `${t?.fullName ?? 'a suite'}\n`);
  const baseEnv = { ...process.env, WHARF_ROOT: root, DOCKER_CONFIG: dockerConfig };
  const cleanup = () => {
    removeContainers(root, baseEnv);
    waitForProcessesNaming(root);
    // a removal's last steps (a runc delete, say) may still be writing there for a moment
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  t?.after(cleanup);
  return {
    root,
    run: (args, options = {}) => runCommand(WHARF_BIN, args, { ...options, env: { ...baseEnv, ...options.env } }),
    runToGoneReader: (args, closeAt = 'first-bytes') => runToGoneReader(args, baseEnv, closeAt),
    cleanup,
  };
}

async function runToGoneReader(args: string[], env: NodeJS.ProcessEnv, closeAt: 'start' | 'first-bytes') {
  const child = spawn(WHARF_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  if (closeAt === 'start') child.stdout.destroy();
  else child.stdout.once('data', () => child.stdout.destroy());
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stderr };
}

/**
 * A `run --rm` returns before its removal's second half, which the container's monitor finishes in the background (as
 * runc's calls do): the root goes only once no process names it on its command line, or after 10 s.
 */
function waitForProcessesNaming(root: string): void {
  const deadline = Date.now() + 10_000;
  const naming = () => readdirSync('/proc').some((pid) => /^\d+$/.test(pid) && commandLine(pid).includes(root));
  while (naming() && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return '';
  }
}

/** Containers a test left (running ones included) go the way a user removes them, so no process, mount or veth outlives the root. */
function removeContainers(root: string, env: NodeJS.ProcessEnv): void {
  const containers = join(root, 'containers');
  if (!existsSync(containers) || readdirSync(containers).length === 0) return;
  spawnSync(WHARF_BIN, ['rm', '-f', '-v', ...readdirSync(containers)], { env, stdio: 'ignore' });
  // whatever a crash test left mounted
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mountPoint = line.split(' ')[4];
    if (mountPoint?.startsWith(`${root}/`)) spawnSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
  }
}
