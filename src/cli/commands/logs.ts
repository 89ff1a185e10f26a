// `wharf logs [-f] [--tail N] [-t] [--since T] [--until T] CONTAINER`: the json-file log, stdout and stderr to their own streams.
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '../../errors.ts';
import { containerDir, getContainer, resolveContainer } from '../../runtime/containers/container-store.ts';
import { runEnded } from '../../runtime/containers/lifecycle.ts';
import { type LogEntry, LogReader } from '../../runtime/containers/log-reader.ts';
import { logFileName } from '../../runtime/monitor/monitor-plan.ts';
import type { CliContext } from '../context.ts';
import { parseFlags, requireArgs } from '../flags.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    follow: { type: 'boolean', short: 'f' },
    tail: { type: 'string', short: 'n' },
    timestamps: { type: 'boolean', short: 't' },
    since: { type: 'string' },
    until: { type: 'string' },
    details: { type: 'boolean' },
  }, path);
  requireArgs(positionals, { min: 1, max: 1 }, path, `${path} [OPTIONS] CONTAINER`);
  const store = await context.store();
  const record = resolveContainer(store, positionals[0]);
  const file = `${containerDir(store, record.id)}/${logFileName(record.id)}`;
  const since = values.since === undefined ? -Infinity : parseTime(values.since as string);
  const until = values.until === undefined ? Infinity : parseTime(values.until as string);
  const tail = values.tail === undefined || values.tail === 'all' ? Infinity : Number(values.tail);
  const print = (entry: LogEntry) => {
    const time = Date.parse(entry.time);
    if (time < since || time > until) return;
    (entry.stream === 'stderr' ? context.stderr : context.stdout).write(values.timestamps ? `${entry.time} ${entry.log}` : entry.log);
  };
  const reader = new LogReader(file);
  const entries = reader.read();
  for (const entry of tail === Infinity ? entries : tail === 0 ? [] : entries.slice(-tail)) print(entry);
  if (!values.follow) return 0;
  for (;;) {
    const ended = runEnded(getContainer(store, record.id));
    for (const entry of reader.read()) print(entry);
    if (ended || until !== Infinity && Date.now() > until) return 0;
    await sleep(50);
  }
}

/** Docker's --since/--until: an RFC 3339 time, Unix seconds, or a duration before now (`10m`, `1h30m`). */
function parseTime(text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const duration = /^(\d+(?:\.\d+)?(?:ns|us|ms|s|m|h))+$/.test(text) ? [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g)] : undefined;
  if (duration) {
    const units: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    return Date.now() - duration.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit], 0);
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError(`invalid value for "since": failed to parse value as time or duration: "${text}"`, { fromDaemon: false });
  return parsed;
}
