// Reading `events` back in tests: the time --since and --until take, and the messages logged in between.
import { jsonLines, ok } from './cli-fixtures.ts';
import type { RunResult } from './run-command.ts';

/** Docker's events.Message, as `events --format '{{json .}}'` prints it. */
export interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  timeNano: number;
}

/** Unix seconds with a fraction, as --since and --until take them; `offsetSeconds` from now. */
export function unixSeconds(offsetSeconds = 0): string {
  return (Date.now() / 1000 + offsetSeconds).toFixed(6);
}

/** The events logged from `since` until now, in order, through wharf's CLI or the docker CLI against wharf serve. */
export async function eventMessages(run: (args: string[]) => Promise<RunResult>, since: string): Promise<EventMessage[]> {
  const result = ok(await run(['events', '--since', since, '--until', unixSeconds(), '--format', '{{json .}}']), 'events');
  return jsonLines(result.stdout) as unknown as EventMessage[];
}
