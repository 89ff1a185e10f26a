// The classic builder's cache: a step is reused when an image made on the same parent recorded the same step config (its command, env, labels …).
import type { Digest } from '../digest/digest.ts';
import { readConfig } from '../images/inspect.ts';
import type { ContainerConfig, ImageConfig } from '../oci/types.ts';
import type { Store } from '../store/store.ts';
import { stepContainerConfig } from './commit-step.ts';
import type { StageState } from './stage-state.ts';

/** The newest child of the stage's image whose container_config matches this step's, with its config. */
export async function findCachedStep(store: Store, state: StageState, command: string[]): Promise<{ id: Digest; image: ImageConfig } | undefined> {
  const wanted = cacheKey(stepContainerConfig(state, command));
  const children = store.db.all('SELECT id FROM images WHERE parent IS ? ORDER BY created DESC', state.imageId ?? null);
  for (const row of children) {
    const id = row.id as Digest;
    const image = await readConfig(store, id);
    if (image.container_config && cacheKey(image.container_config) === wanted) return { id, image };
  }
  return undefined;
}

/** The fields moby's cache compares (a Hostname is per container, so it is not one of them). */
function cacheKey(config: ContainerConfig): string {
  const keys = (record: Record<string, unknown> | null | undefined) => Object.keys(record ?? {}).sort();
  return JSON.stringify([
    config.User ?? '',
    config.Cmd ?? null,
    config.Entrypoint ?? null,
    config.Env ?? [],
    Object.entries(config.Labels ?? {}).sort(),
    keys(config.ExposedPorts),
    keys(config.Volumes),
    config.WorkingDir ?? '',
    config.Image ?? '',
    config.Shell ?? null,
    config.OnBuild ?? null,
    config.StopSignal ?? '',
    config.Healthcheck ?? null,
  ]);
}
