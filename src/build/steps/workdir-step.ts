// WORKDIR: the new working directory made in the image when it is missing, as moby's classic builder does, so it is a layer of its own (an empty one when it exists).
import type { Store } from '../../store/store.ts';
import { commitStep } from '../commit-step.ts';
import type { StageState } from '../stage-state.ts';
import { makeDirectories, withStepWorkspace } from '../workspace.ts';
import type { ConfigChange } from './config-steps.ts';

/** Commits `change` (a WORKDIR's) with the directories it names that the image lacks, root's whatever USER says, as Docker 20.10 makes them. */
export function workdirStep(store: Store, state: StageState, change: ConfigChange): Promise<StageState> {
  return withStepWorkspace(store, state, async (workspace) => {
    await makeDirectories(workspace.rootfs, change.state.runConfig.WorkingDir ?? '/', { uid: 0, gid: 0 });
    return commitStep(store, change.state, { command: change.command, layer: await workspace.layer() });
  });
}
