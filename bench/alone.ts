// Runs one bench file's rows on their own (`node bench/containers.ts`, `node bench/build.ts`): a private dockerd, the rows printed as `npm run bench` prints them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { startDockerd } from '../test/helpers/peers.ts';
import type { BenchRow } from './registry-client.ts';

export interface AloneContext {
  peers: Pick<TestContext, 'skip' | 'after'>;
  wharf: string;
  work: string;
  dockerEnv: NodeJS.ProcessEnv;
}

export async function benchAlone(rowsOf: (context: AloneContext) => Promise<BenchRow[]>): Promise<void> {
  const cleanups: Array<() => unknown> = [];
  const peers = { skip: (reason?: string) => { throw new Error(`bench needs ${reason}`); }, after: (fn: () => unknown) => void cleanups.push(fn) };
  try {
    const work = path.resolve(import.meta.dirname, '../.bench');
    mkdirSync(work, { recursive: true });
    const dockerd = await startDockerd(peers);
    if (!dockerd) throw new Error('dockerd is required for the benchmark');
    const rows = await rowsOf({ peers, wharf: path.resolve(import.meta.dirname, '../bin/wharf'), work, dockerEnv: { DOCKER_HOST: dockerd.host } });
    for (const row of rows) {
      const rss = row.wharf.peakRssMb ? ` ${row.wharf.peakRssMb.toFixed(0).padStart(4)}MB` : '';
      console.log(`${row.name.padEnd(24)} ${row.wharf.seconds.toFixed(3)}s${rss}  ${row.peerName.padEnd(16)} ${row.peer.seconds.toFixed(3)}s  ratio ${(row.wharf.seconds / row.peer.seconds).toFixed(2)}  target ${row.target}`);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
