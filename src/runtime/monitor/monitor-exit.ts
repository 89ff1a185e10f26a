// The native monitor's exit helper (its own esbuild entry, dist/monitor-exit.js), run in the container directory when no client claimed the container's exit: handles it (exit-handling.ts) and prints the final status for the monitor's clients.
import { readFileSync } from 'node:fs';
import { handleExit } from './exit-handling.ts';
import { type MonitorPlan, PLAN_FILE } from './monitor-plan.ts';

const plan = JSON.parse(readFileSync(PLAN_FILE, 'utf8')) as MonitorPlan;
const [exitCode, ran] = (await stdinText()).trim().split(' ').map(Number);

async function stdinText(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** Each failure is this helper's last word on the container: it goes to monitor.log, and the clients still hear the status. */
function complain(error: unknown): void {
  process.stderr.write(`wharf monitor ${plan.containerId}: ${(error as Error).message}\n`);
}

const { final, tidy } = await handleExit(plan, '.', { exitCode, ran: ran === 1 }, complain);
// the clients hear how it ended before the removal's second half (unmount, directory) holds them up
process.stdout.write(`${JSON.stringify(final)}\n`);
await tidy().catch(complain);
