// --cache-from: images (pulled or loaded ones too, which carry no parent links) whose history continues the stage's image with this very step, reused as moby's classic builder reuses them.
import type { Digest } from '../digest/digest.ts';
import { NotFoundError } from '../errors.ts';
import { imageLayerRecords, type LayerRecord } from '../images/image-records.ts';
import { readConfig } from '../images/inspect.ts';
import { resolveImage } from '../images/resolve.ts';
import type { HistoryEntry, ImageConfig } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import { recordRestoredStep } from './commit-step.ts';
import type { StageState } from './stage-state.ts';

export interface CacheSource {
  id: Digest;
  image: ImageConfig;
  layers: LayerRecord[];
}

/** The named images that are in the store; a name that is not is skipped with a warning, as Docker skips it. */
export async function loadCacheSources(store: Store, names: string[], warn: (text: string) => void): Promise<CacheSource[]> {
  const sources: CacheSource[] = [];
  for (const name of names) {
    try {
      const { id } = resolveImage(store, name);
      sources.push({ id, image: await readConfig(store, id), layers: imageLayerRecords(store, id) });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      warn(`WARNING: --cache-from ${name}: no such image in the store, not used\n`);
    }
  }
  return sources;
}

/**
 * The step as a source image made it: that image itself when the step is its last, else an image recorded for the
 * step (its history entry and layer). A source qualifies when its history and layers start with the stage image's
 * and its next history entry is this step's command.
 */
export async function findInCacheSources(store: Store, sources: CacheSource[], parent: StageState, probe: StageState, command: string[]): Promise<{ id: Digest; image: ImageConfig } | undefined> {
  const history = parent.image.history ?? [];
  const diffIds = parent.image.rootfs.diff_ids;
  for (const source of sources) {
    const sourceHistory = source.image.history ?? [];
    const next = sourceHistory[history.length];
    if (!next || next.created_by !== command.join(' ') || !continues(source, history, diffIds)) continue;
    const layer = next.empty_layer ? undefined : source.layers[diffIds.length];
    if (!next.empty_layer && !layer) continue;
    if (sourceHistory.length === history.length + 1) return { id: source.id, image: source.image };
    const restored = await recordRestoredStep(store, { ...probe, imageId: parent.imageId, image: parent.image }, { command, created: next.created ?? new Date().toISOString(), layer });
    return { id: restored.imageId!, image: restored.image };
  }
  return undefined;
}

function continues(source: CacheSource, history: HistoryEntry[], diffIds: Digest[]): boolean {
  const sameEntry = (a: HistoryEntry, b: HistoryEntry) => a.created_by === b.created_by && Boolean(a.empty_layer) === Boolean(b.empty_layer);
  return history.every((entry, i) => sameEntry(entry, source.image.history![i])) && diffIds.every((diffId, i) => source.image.rootfs.diff_ids[i] === diffId);
}
