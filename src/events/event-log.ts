// The engine's event log (`docker events`): every process that changes the store appends to one table of metadata.db,
// the monitor included, so a reader sees what any wharf did. Lifecycle: recordEvent → readEvents / streamEvents.
import type { Store } from '../store/store.ts';

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'builder';

export interface EngineEvent {
  seq: number;
  type: EventType;
  action: string;
  actor: { id: string; attributes: Record<string, string> };
  /** Unix microseconds: the clock's own precision here, and exact in a double where nanoseconds would not be. */
  timeMicro: number;
}

/** As dockerd keeps its last events in memory for late readers, the log keeps its last this many. */
const KEPT_EVENTS = 1024;
const FOLLOW_POLL_MS = 100;

export function nowMicro(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Appends an event, inside the caller's transaction when one is open (so the event lands with the change it tells of),
 * else in one of its own. Not fsynced on its own. An event is informational: one that cannot be appended is dropped
 * and the change stands, so logging never changes how an operation ends; a write the store truly cannot make fails
 * the caller's own statements, or its commit, all the same.
 */
export function recordEvent(store: Store, type: EventType, action: string, actorId: string, attributes: Record<string, string> = {}): void {
  const append = () => {
    store.db.run('INSERT INTO events (time_micro, type, action, actor_id, attributes) VALUES (?, ?, ?, ?, ?)', nowMicro(), type, action, actorId, JSON.stringify(attributes));
    store.db.run('DELETE FROM events WHERE seq <= last_insert_rowid() - ?', KEPT_EVENTS);
  };
  try {
    if (store.db.db.isTransaction) append();
    else store.db.transaction(append, { durable: false });
  } catch {
    // dropped: see above
  }
}

export interface EventRange {
  /** Only events after this one (a follower's position). */
  afterSeq?: number;
  sinceMicro?: number;
  untilMicro?: number;
}

export function readEvents(store: Store, range: EventRange): EngineEvent[] {
  const rows = store.db.all(`SELECT seq, time_micro, type, action, actor_id, attributes FROM events
    WHERE seq > ? AND time_micro >= ? AND time_micro <= ? ORDER BY seq`, range.afterSeq ?? 0, range.sinceMicro ?? 0, range.untilMicro ?? Number.MAX_SAFE_INTEGER);
  return rows.map((row) => ({
    seq: Number(row.seq),
    type: row.type as EventType,
    action: row.action as string,
    actor: { id: row.actor_id as string, attributes: JSON.parse(row.attributes as string) as Record<string, string> },
    timeMicro: Number(row.time_micro),
  }));
}

function lastSeq(store: Store): number {
  return Number(store.db.get('SELECT COALESCE(MAX(seq), 0) AS seq FROM events')?.seq ?? 0);
}

type OnEvent = (event: EngineEvent) => void | Promise<void>;

/**
 * What `docker events` shows: with `sinceMicro`, the logged events from then (without, none of the past, as dockerd);
 * then, unless `untilMicro` has passed, each new one as it is logged, until it does or `signal` aborts.
 */
export async function streamEvents(store: Store, range: Omit<EventRange, 'afterSeq'>, onEvent: OnEvent, signal: AbortSignal): Promise<void> {
  const now = nowMicro();
  let after = range.sinceMicro === undefined ? lastSeq(store) : 0;
  if (range.sinceMicro !== undefined) {
    for (const event of readEvents(store, range)) {
      after = event.seq;
      await onEvent(event);
    }
  }
  if (range.untilMicro !== undefined && range.untilMicro <= now) return;
  await followEvents(store, { ...range, afterSeq: after }, onEvent, signal);
}

/** Polled: writers are other processes (the CLI, each container's monitor), and SQLite tells a reader nothing. */
async function followEvents(store: Store, range: EventRange & { afterSeq: number }, onEvent: OnEvent, signal: AbortSignal): Promise<void> {
  let after = range.afterSeq;
  while (!signal.aborted) {
    for (const event of readEvents(store, { ...range, afterSeq: after })) {
      after = event.seq;
      await onEvent(event);
    }
    if (range.untilMicro !== undefined && nowMicro() > range.untilMicro) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FOLLOW_POLL_MS);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
