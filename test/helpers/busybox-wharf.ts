// A wharf with the busybox test image loaded (optionally with extra config: ExposedPorts, Volumes), for tests that run containers.
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { load, writeArchive } from './cli-fixtures.ts';
import { busyboxFixture, type ImageOptions } from './image-builder.ts';
import { type Dockerd, needPeers, startDockerd } from './peers.ts';
import { makeWharf, tempDir, type Wharf } from './wharf-cli.ts';

/** undefined (and the test skipped) without root or runc. */
export async function busyboxWharf(t: Pick<TestContext, 'skip' | 'after'>, options: Partial<ImageOptions> = {}): Promise<Wharf | undefined> {
  if (process.getuid?.() !== 0) return void t.skip('running containers needs root');
  if (!needPeers(t, 'runc')) return undefined;
  const wharf = makeWharf(t);
  const image = await busyboxFixture('busybox:latest', options);
  await load(wharf, await writeArchive(join(tempDir(t), 'busybox.tar'), 'classic', [{ image, repoTags: ['busybox:latest'] }]));
  return wharf;
}

/** Polls `probe` until it returns a value (not a timing assertion: it fails only when it never does). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, attempts = 200): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

/** A private dockerd with the same busybox test image loaded, beside a wharf that has it; undefined (skipped) without the peers. */
export async function busyboxPair(t: Pick<TestContext, 'skip' | 'after'>): Promise<{ wharf: Wharf; docker: Dockerd } | undefined> {
  const docker = await startDockerd(t);
  if (!docker) return undefined;
  const wharf = await busyboxWharf(t);
  if (!wharf) return undefined;
  const archive = await writeArchive(join(tempDir(t), 'busybox.tar'), 'classic', [{ image: await busyboxFixture(), repoTags: ['busybox:latest'] }]);
  const loaded = await docker.docker(['load', '-i', archive]);
  if (loaded.code !== 0) throw new Error(`docker load: ${loaded.stderr}`);
  return { wharf, docker };
}
