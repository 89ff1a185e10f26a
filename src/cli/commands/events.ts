// `wharf events [--since T] [--until T] [--filter K=V] [--format F]`: the event log, past events and then new ones as any wharf logs them, in docker/cli's lines.
import { eventMatcher } from '../../events/event-filters.ts';
import { type EngineEvent, nowMicro, streamEvents } from '../../events/event-log.ts';
import { eventMessage, sortedAttributes } from '../../events/event-message.ts';
import { parseUntil } from '../../images/until.ts';
import type { CliContext } from '../context.ts';
import { filterArgs, parseFlags, requireArgs } from '../flags.ts';
import { renderFormatted } from '../format/render.ts';

export async function run(context: CliContext, args: string[], path: string): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    since: { type: 'string' },
    until: { type: 'string' },
    filter: { type: 'string', short: 'f', multiple: true },
    format: { type: 'string' },
  }, path);
  requireArgs(positionals, { min: 0, max: 0 }, path, `${path} [OPTIONS]`);
  const matches = eventMatcher(filterArgs(values.filter, '--filter', path));
  const now = nowMicro();
  const sinceMicro = values.since === undefined ? undefined : microsOf(values.since as string, now);
  const untilMicro = values.until === undefined ? undefined : microsOf(values.until as string, now);
  const store = await context.store();
  const print = async (event: EngineEvent) => {
    if (matches(event)) context.out(values.format ? await renderFormatted({ format: values.format as string, defaultTableFormat: '', headers: {}, rows: [new EventRow(event)] }) : eventLine(event));
  };
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await streamEvents(store, { sinceMicro, untilMicro }, print, stop.signal);
  return 0;
}

/** docker/cli's GetTimestamp: a duration before now, Unix seconds, or a date and time. */
function microsOf(value: string, now: number): number {
  return Math.round(parseUntil(value, now / 1000) * 1000);
}

/** `2026-12-06T23:40:00.123456000Z container start <id> (image=busybox, name=web)`: RFC 3339 with nine fraction digits, attributes by name. */
function eventLine(event: EngineEvent): string {
  const time = `${new Date(Math.floor(event.timeMicro / 1000)).toISOString().slice(0, 19)}.${String(event.timeMicro % 1_000_000).padStart(6, '0')}000Z`;
  const attributes = sortedAttributes(event).map(([key, value]) => `${key}=${value}`);
  return `${time} ${event.type} ${event.action} ${event.actor.id}${attributes.length ? ` (${attributes.join(', ')})` : ''}\n`;
}

/** The fields --format templates see (docker's events.Message), and its JSON for `{{json .}}`. */
class EventRow {
  readonly Type: string;
  readonly Action: string;
  readonly Actor: { ID: string; Attributes: Map<string, string> };
  readonly Scope = 'local';
  readonly Time: number;
  readonly TimeNano: number;
  readonly #event: EngineEvent;

  constructor(event: EngineEvent) {
    this.#event = event;
    this.Type = event.type;
    this.Action = event.action;
    this.Actor = { ID: event.actor.id, Attributes: new Map(Object.entries(event.actor.attributes)) };
    this.Time = Math.floor(event.timeMicro / 1e6);
    this.TimeNano = event.timeMicro * 1000;
  }

  toJSON(): Record<string, unknown> {
    return eventMessage(this.#event);
  }
}
