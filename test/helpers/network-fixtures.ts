// Test scaffolding for the network runtime: fake container directories on a wharf root, a busybox httpd in a namespace, and teardown that leaves no bridge, veth, netns or rule behind.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detachNetwork } from '../../src/runtime/network/attach.ts';
import { recordedBridge, removeBridge, withBridgesLock } from '../../src/runtime/network/bridge.ts';
import { sweepHost } from '../../src/runtime/network/cleanup.ts';
import { closeStore, openStore, type Store } from '../../src/store/store.ts';
import { runCommand } from './run-command.ts';
import { makeWharf, tempDir, type Wharf } from './wharf-cli.ts';

export interface NetworkLab {
  wharf: Wharf;
  store: Store;
  /** A container directory as the container core makes it: <root>/containers/<id>. */
  container(): { id: string; dir: string };
  /** busybox httpd serving `body` as index.html inside the namespace, on `port`. */
  serve(netns: string, body: string, port?: number): Promise<void>;
  teardown(): Promise<void>;
}

export function canRunNetworkTests(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (netns, veth, iptables)';
  return undefined;
}

export async function networkLab(): Promise<NetworkLab> {
  const wharf = makeWharf();
  const store = await openStore(wharf.root);
  const containers: string[] = [];
  const servers: ChildProcess[] = [];
  const www = tempDir(undefined, 'wharf-www-');
  return {
    wharf,
    store,
    container() {
      const id = randomBytes(32).toString('hex');
      const dir = join(wharf.root, 'containers', id);
      mkdirSync(dir, { recursive: true });
      containers.push(dir);
      return { id, dir };
    },
    async serve(netns, body, port = 80) {
      const dir = join(www, randomBytes(4).toString('hex'));
      mkdirSync(dir);
      writeFileSync(join(dir, 'index.html'), body);
      const child = spawn('ip', ['netns', 'exec', netns, 'busybox', 'httpd', '-f', '-p', String(port), '-h', dir], { stdio: 'ignore' });
      servers.push(child);
      // listening once a connection from inside the namespace is answered
      for (let attempt = 0; attempt < 100; attempt++) {
        const probe = await runCommand('ip', ['netns', 'exec', netns, 'busybox', 'nc', '-w', '1', '127.0.0.1', String(port)]);
        if (probe.code === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`httpd in ${netns} did not start`);
    },
    async teardown() {
      for (const server of servers) server.kill('SIGKILL');
      for (const dir of containers) await detachNetwork(store, dir);
      const bridge = recordedBridge(store)?.bridge;
      if (bridge) await withBridgesLock(() => removeBridge(bridge));
      closeStore(store);
      wharf.cleanup();
      rmSync(www, { recursive: true, force: true });
      // our chains go too when no other store on the host still uses them
      await sweepHost();
    },
  };
}

export async function hostState(): Promise<{ rules: string; netns: string; links: string }> {
  const [rules, netns, links] = await Promise.all([runCommand('iptables-save', []), runCommand('ip', ['netns', 'list']), runCommand('ip', ['-o', 'link'])]);
  return { rules: rules.stdout, netns: netns.stdout, links: links.stdout };
}

export async function httpGet(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return response.text();
}
