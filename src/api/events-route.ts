// GET /events (`docker events`, and `docker stats` watching for containers that start and stop): the event log as Docker's JSON messages.
import { InvalidArgumentError } from '../errors.ts';
import { eventMatcher } from '../events/event-filters.ts';
import { type EngineEvent, streamEvents } from '../events/event-log.ts';
import { eventMessage } from '../events/event-message.ts';
import { queryFilters } from './api-query.ts';
import type { ApiRequest, Route } from './api-routes.ts';

async function events({ response, query, store }: ApiRequest): Promise<void> {
  const matches = eventMatcher(queryFilters(query));
  const range = { sinceMicro: timestampMicros(query.get('since')), untilMicro: timestampMicros(query.get('until')) };
  // the docker CLI shows nothing until the response has begun; events may be long in coming
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.flushHeaders();
  const stop = new AbortController();
  response.on('close', () => stop.abort());
  await streamEvents(store, range, (event: EngineEvent) => {
    if (matches(event)) response.write(`${JSON.stringify(eventMessage(event))}\n`);
  }, stop.signal);
  response.end();
}

/** The docker CLI sends `since` and `until` as Unix seconds with nine fraction digits (`1700000000.000000000`). */
function timestampMicros(value: string | null): number | undefined {
  if (!value) return undefined;
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (!match) throw new InvalidArgumentError(`failed to parse value as time or duration: "${value}"`);
  return Number(match[1]) * 1e6 + Math.floor(Number((match[2] ?? '').padEnd(9, '0')) / 1000);
}

export const EVENT_ROUTES: Route[] = [{ method: 'GET', pattern: /^\/events$/, handler: events }];
