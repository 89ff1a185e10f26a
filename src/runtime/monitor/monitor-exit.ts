// The native monitor's exit helper (its own esbuild entry, dist/monitor-exit.js), run in the container directory: once the container has ended for good, records a start that failed, releases the run or removes an --rm container, and prints the final status for the monitor's clients.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ContainerUpdate, updateContainer } from '../containers/container-store.ts';
import { MetadataDb } from '../../store/metadata-db.ts';
import type { MonitorStatus } from './attach-protocol.ts';
import { type MonitorPlan, PLAN_FILE, RUNTIME_LOG, startFailure } from './monitor-plan.ts';

const plan = JSON.parse(readFileSync(PLAN_FILE, 'utf8')) as MonitorPlan;
// loaded while the container runs: the monitor starts this helper early when a client waits for the exit
const release = await import('../containers/release.ts');
const [exitCode, ran] = (await stdinText()).trim().split(' ').map(Number);

/** Each write is this helper's last word on the container: a failure goes to monitor.log, and the clients still hear the status. */
function record(update: ContainerUpdate): void {
  try {
    // never a new store: when the data root was removed while the container ran, there is nothing left to record in
    const db = new MetadataDb(join(plan.root, 'metadata.db'), { create: false });
    try {
      db.transaction(() => updateContainer({ db } as never, plan.containerId, update));
    } finally {
      db.close();
    }
  } catch (error) {
    complain(error);
  }
}

async function stdinText(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

function runtimeError(): string {
  try {
    const lines = readFileSync(RUNTIME_LOG, 'utf8').trim().split('\n');
    const errors = lines.map((line) => JSON.parse(line) as { level?: string; msg?: string }).filter((entry) => entry.level === 'error');
    return errors.at(-1)?.msg ?? 'the runtime failed';
  } catch {
    return 'the runtime failed';
  }
}

function complain(error: unknown): void {
  process.stderr.write(`wharf monitor ${plan.containerId}: ${(error as Error).message}\n`);
}

/** A start that failed leaves the container created, with the runtime's error as Docker words it. */
function finalStatus(): MonitorStatus {
  if (ran) return { state: 'exited', exitCode };
  const failure = startFailure(runtimeError());
  record({ state: 'created', exitCode: failure.exitCode, error: failure.error, pid: null, monitorPid: null, finishedAt: new Date().toISOString() });
  return { state: 'created', exitCode: failure.exitCode, error: failure.error };
}

const final = finalStatus();
let tidy = async () => {};
try {
  if (plan.autoRemove) tidy = await release.removeAfterExit({ root: plan.root, containerId: plan.containerId });
  else await release.releaseContainer({ root: plan.root, containerId: plan.containerId });
} catch (error) {
  complain(error);
}
if (!plan.autoRemove) record({ monitorPid: null });
// the clients hear how it ended before the removal's second half (unmount, directory) holds them up
process.stdout.write(`${JSON.stringify(final)}\n`);
await tidy().catch(complain);
