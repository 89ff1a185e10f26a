// `top`'s core: the container's processes as the host's ps shows them (`runc ps`), parsed as dockerd parses ps for its TopResponse.
import { spawnSync } from 'node:child_process';
import { ConflictError, WharfError } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { containerDir, type ContainerRecord, recordContainerEvent } from './container-store.ts';
import { readPlan } from './release.ts';
import { isRunning } from './signal.ts';

export interface ProcessTable {
  titles: string[];
  /** One row per process; the last column, the command, keeps its spaces. */
  processes: string[][];
}

/** `psArgs` as ps takes them; none means `-ef`, as with Docker. */
export function containerTop(store: Store, record: ContainerRecord, psArgs: string[]): ProcessTable {
  if (!isRunning(record)) throw new ConflictError(`container ${record.id} is not running`);
  const plan = readPlan(containerDir(store, record.id));
  if (!plan) throw new WharfError(`container ${record.id} has no runtime state`);
  const result = spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'ps', record.id, ...(psArgs.length ? psArgs : ['-ef'])], { encoding: 'utf8' });
  if (result.status !== 0) throw new WharfError(`Error running top: ${result.stderr.trim()}`);
  recordContainerEvent(store, record, 'top');
  return parsePs(result.stdout);
}

function parsePs(psOutput: string): ProcessTable {
  const [header, ...lines] = psOutput.split('\n').filter(Boolean);
  const titles = header.trim().split(/\s+/);
  const processes = lines.map((line) => {
    const fields = line.trim().split(/\s+/);
    return [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')];
  });
  return { titles, processes };
}
