// Starts `wharf serve` on a private socket over a wharf's data root, and runs the real docker CLI against it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WHARF_BIN } from './cli-fixtures.ts';
import { type RunResult, runCommand } from './run-command.ts';
import { tempDir } from './temp-dir.ts';
import type { Wharf } from './wharf-cli.ts';
import { busyboxWharf } from './busybox-wharf.ts';
import { needPeers } from './peers.ts';

export interface EngineApi {
  socket: string;
  docker(args: string[], options?: { input?: Buffer | string; env?: Record<string, string> }): Promise<RunResult>;
  /** A raw request, for what the docker CLI never sends. */
  http(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>;
}

export async function startEngineApi(t: Pick<TestContext, 'after'>, wharf: Wharf): Promise<EngineApi> {
  const socket = join(tempDir(t, 'wharf-api-'), 'wharf.sock');
  const server = spawn(WHARF_BIN, ['serve', '-H', `unix://${socket}`], { env: { ...process.env, WHARF_ROOT: wharf.root }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (chunk: Buffer) => (log += chunk));
  t.after(async () => {
    if (server.exitCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
  });
  const deadline = Date.now() + 20_000;
  while (!log.includes('API listen on') && Date.now() < deadline && server.exitCode === null) await sleep(20);
  if (!log.includes('API listen on')) throw new Error(`wharf serve did not start: ${log}`);
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: tempDir(t, 'wharf-api-docker-config-') };
  return {
    socket,
    docker: (args, options = {}) => runCommand('docker', args, { env: { ...env, ...options.env }, input: options.input }),
    http: (method, path, headers, body) => new Promise((resolve, reject) => {
      const call = request({ socketPath: socket, method, path, headers }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
      });
      call.on('error', reject);
      call.end(body);
    }),
  };
}

/** wharf serve over a store with the busybox test image, for the container tests; undefined (skipped) without docker or runc. */
export async function busyboxApi(t: TestContext) {
  if (!needPeers(t, 'docker')) return undefined;
  const wharf = await busyboxWharf(t);
  if (!wharf) return undefined;
  return { wharf, api: await startEngineApi(t, wharf) };
}
