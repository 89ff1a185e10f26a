// Leases: a process's claim on blobs it is writing or reading, so garbage collection leaves them be.
// A lease lives in the metadata DB; it goes stale when its process dies or it expires, which is how
// a kill -9 mid-load stops protecting its half-written blobs.
import { readFileSync } from 'node:fs';
import { crypto, type Digest } from '../digest/digest.ts';
import type { MetadataDb } from './metadata-db.ts';

const LEASE_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** A lease is only ever needed while its process lives: after a crash it is stale, durable or not. */
const NOT_DURABLE = { durable: false };

export class Lease {
  readonly id: string;
  private readonly db: MetadataDb;
  readonly digests = new Set<Digest>();

  private constructor(db: MetadataDb, id: string) {
    this.db = db;
    this.id = id;
  }

  static acquire(db: MetadataDb): Lease {
    const lease = new Lease(db, `${process.pid}-${crypto().randomBytes(6).toString('hex')}`);
    db.transaction(() => {
      db.run('INSERT INTO leases (id, pid, started, expires) VALUES (?, ?, ?, ?)', lease.id, process.pid, processStartTime(process.pid), Date.now() + LEASE_LIFETIME_MS);
    }, NOT_DURABLE);
    return lease;
  }

  /** Must run before the blob becomes visible, so no sweep can fall between its rename and its lease. */
  add(digest: Digest): void {
    if (this.digests.has(digest)) return;
    this.db.transaction(() => {
      this.db.run('INSERT OR IGNORE INTO lease_blobs (lease_id, digest) VALUES (?, ?)', this.id, digest);
    }, NOT_DURABLE);
    this.digests.add(digest);
  }

  /** Ends the lease inside the caller's transaction. */
  releaseWithin(): void {
    this.db.run('DELETE FROM leases WHERE id = ?', this.id);
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function isLeaseLive(row: { pid?: unknown; started?: unknown; expires?: unknown }): boolean {
  const pid = Number(row.pid);
  return Number(row.expires) >= Date.now() && isProcessAlive(pid) && processStartTime(pid) === row.started;
}

/** Field 22 of /proc/<pid>/stat (clock ticks since boot); '' where /proc is not there to ask. */
export function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** Drops leases whose process is gone or whose time is up; call inside a transaction. */
export function dropStaleLeases(db: MetadataDb): void {
  for (const row of db.all('SELECT id, pid, started, expires FROM leases')) {
    if (!isLeaseLive(row)) db.run('DELETE FROM leases WHERE id = ?', String(row.id));
  }
}
