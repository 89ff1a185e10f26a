// `wharf top CONTAINER [ps OPTIONS]`: the container's processes as the host's ps shows them (`runc ps`), in Docker's table.
import { spawnSync } from 'node:child_process';
import { ConflictError, WharfError } from '../../errors.ts';
import { containerDir, resolveContainer } from '../../runtime/containers/container-store.ts';
import { readPlan } from '../../runtime/containers/release.ts';
import { isRunning } from '../../runtime/containers/signal.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';
import { tabwrite } from '../format/tabwriter.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  // pflag's SetInterspersed(false), as docker/cli's top: everything after the container goes to ps, dashes included
  const split = args.findIndex((arg) => !arg.startsWith('-'));
  parseFlags(split < 0 ? args : args.slice(0, split), {}, path);
  const [reference, ...psArgs] = split < 0 ? [] : args.slice(split);
  requireArgs(split < 0 ? [] : [reference], { min: 1 }, path, `${path} CONTAINER [ps OPTIONS]`);
  const store = await context.store();
  const record = resolveContainer(store, reference);
  if (!isRunning(record)) throw new ConflictError(`container ${record.id} is not running`);
  const plan = readPlan(containerDir(store, record.id));
  if (!plan) throw new WharfError(`container ${record.id} has no runtime state`);
  const result = spawnSync(plan.runtimePath, ['--root', plan.stateRoot, 'ps', record.id, ...(psArgs.length ? psArgs : ['-ef'])], { encoding: 'utf8' });
  if (result.status !== 0) throw new WharfError(`Error running top: ${result.stderr.trim()}`);
  context.out(psTable(result.stdout));
  return 0;
}

/** docker/cli's top table (tabwriter 20, 1, 3) over the daemon's parse of ps: the last column, the command, keeps its spaces. */
function psTable(psOutput: string): string {
  const [header, ...lines] = psOutput.split('\n').filter(Boolean);
  const titles = header.trim().split(/\s+/);
  const rows = lines.map((line) => {
    const fields = line.trim().split(/\s+/);
    return [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')];
  });
  return tabwrite([titles, ...rows].map((row) => `${row.join('\t')}\n`).join(''), { minWidth: 20, padding: 3 });
}
