// `build -o type=docker|oci|tar|local,dest=…`: the built image written out instead of (only) kept in the store.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '../digest/digest.ts';
import { familiar, tagName } from '../images/names.ts';
import { localImage } from '../transports/local-image.ts';
import { writeArchive } from '../transports/archive-writer.ts';
import { packEntries, walkTree } from '../layers/directory-tar.ts';
import { applyLayer } from '../snapshots/layer-applier.ts';
import type { Store } from '../store/store.ts';
import type { OutputSpec } from './output-spec.ts';
import type { CliContext } from '../cli/context.ts';
import { writeTarOutput } from '../cli/commands/output-file.ts';
import { withWorkspace } from './workspace.ts';

export async function exportBuild(store: Store, id: Digest, spec: OutputSpec, context: CliContext, tags: string[]): Promise<void> {
  const file = spec.dest === '-' ? undefined : spec.dest;
  if (spec.type === 'docker' || spec.type === 'oci') {
    const names = tags.map(tagName).sort();
    const entry = { image: await localImage(store, id), tags: names, familiarTags: names.map(familiar) };
    return writeTarOutput(context, file, (output) => writeArchive(store, [entry], output));
  }
  await withWorkspace(store, id, async (workspace) => {
    const tar = () => packEntries(walkTree(workspace.rootfs));
    if (spec.type === 'tar') return writeTarOutput(context, file, (output) => pipeline(tar(), output, { end: output !== context.stdout }));
    mkdirSync(resolve(spec.dest), { recursive: true });
    await applyLayer(tar(), resolve(spec.dest), { whiteouts: 'none' });
  });
}
