// The metadata database (SQLite in WAL mode): schema, connection settings, and transactions.
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import type { Digest } from '../digest/digest.ts';
import { SystemError } from '../errors.ts';
import { chainIds } from '../images/chain-ids.ts';

const SCHEMA_VERSION = 9;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS images (
  id TEXT PRIMARY KEY,              -- sha256 of the config blob
  created TEXT,                     -- from the config
  size INTEGER NOT NULL,            -- unpacked size, summed over layers as Docker's overlay2 reports it
  parent TEXT,                      -- local parent image (commit/build), else NULL
  manifest_digest TEXT,             -- the manifest this image came with, when it came with one
  loaded_at TEXT NOT NULL,
  last_tag_time TEXT
);
CREATE TABLE IF NOT EXISTS layers (
  diff_id TEXT PRIMARY KEY,         -- sha256 of the uncompressed tar
  size INTEGER NOT NULL,            -- unpacked size
  tar_size INTEGER NOT NULL         -- bytes of the uncompressed tar
);
CREATE TABLE IF NOT EXISTS layer_blobs (
  blob_digest TEXT PRIMARY KEY,     -- a stored encoding of a layer (uncompressed, gzip, zstd)
  diff_id TEXT NOT NULL REFERENCES layers(diff_id) ON DELETE CASCADE,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS layer_blobs_by_diff ON layer_blobs(diff_id);
CREATE TABLE IF NOT EXISTS image_layers (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  diff_id TEXT NOT NULL REFERENCES layers(diff_id),
  chain_id TEXT NOT NULL,           -- the snapshot's key: kept, so that a run need not load node:crypto to hash it
  PRIMARY KEY (image_id, position)
);
CREATE INDEX IF NOT EXISTS image_layers_by_diff ON image_layers(diff_id);
CREATE TABLE IF NOT EXISTS tags (
  name TEXT PRIMARY KEY,            -- fully qualified: docker.io/library/busybox:latest
  image_id TEXT NOT NULL REFERENCES images(id),
  created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tags_by_image ON tags(image_id);
CREATE TABLE IF NOT EXISTS repo_digests (
  name TEXT PRIMARY KEY,            -- fully qualified: docker.io/library/busybox@sha256:…
  image_id TEXT NOT NULL REFERENCES images(id)
);
CREATE INDEX IF NOT EXISTS repo_digests_by_image ON repo_digests(image_id);
CREATE TABLE IF NOT EXISTS leases (
  id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  started TEXT NOT NULL,            -- the process's start time, so a reused pid does not keep a dead lease alive
  expires INTEGER NOT NULL          -- epoch ms; a lease of a dead process or past this is stale
);
CREATE TABLE IF NOT EXISTS lease_blobs (
  lease_id TEXT NOT NULL REFERENCES leases(id) ON DELETE CASCADE,
  digest TEXT NOT NULL,
  PRIMARY KEY (lease_id, digest)
);
CREATE TABLE IF NOT EXISTS networks (
  name TEXT PRIMARY KEY,            -- bridge, host, none
  id TEXT NOT NULL UNIQUE,
  driver TEXT NOT NULL,             -- bridge, host, null
  bridge TEXT,                      -- the host interface (wharf0) of a bridge network
  subnet TEXT,                      -- 172.31.0.0/16
  gateway TEXT,
  created TEXT NOT NULL,
  labels TEXT                       -- JSON object, user-defined networks
);
CREATE TABLE IF NOT EXISTS ip_allocations (
  network TEXT NOT NULL REFERENCES networks(name),
  address TEXT NOT NULL,
  container_id TEXT NOT NULL,
  PRIMARY KEY (network, address)
);
CREATE INDEX IF NOT EXISTS ip_allocations_by_container ON ip_allocations(container_id);
CREATE TABLE IF NOT EXISTS port_allocations (
  host_ip TEXT NOT NULL,            -- 0.0.0.0 for all addresses
  host_port INTEGER NOT NULL,
  protocol TEXT NOT NULL,
  container_id TEXT NOT NULL,
  container_port INTEGER NOT NULL,
  PRIMARY KEY (host_ip, host_port, protocol)
);
CREATE INDEX IF NOT EXISTS port_allocations_by_container ON port_allocations(container_id);
CREATE TABLE IF NOT EXISTS volumes (
  name TEXT PRIMARY KEY,
  driver TEXT NOT NULL,
  labels TEXT,                      -- JSON object, or NULL as Docker shows it
  options TEXT,                     -- JSON object, or NULL
  anonymous INTEGER NOT NULL,       -- made for an image's VOLUME or a bare -v /path
  created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS volume_users (
  volume TEXT NOT NULL REFERENCES volumes(name) ON DELETE CASCADE,
  container_id TEXT NOT NULL,
  PRIMARY KEY (volume, container_id)
);
CREATE INDEX IF NOT EXISTS volume_users_by_container ON volume_users(container_id);
CREATE TABLE IF NOT EXISTS containers (
  id TEXT PRIMARY KEY,              -- 64 hex
  name TEXT NOT NULL UNIQUE,        -- without Docker's leading slash
  image_id TEXT NOT NULL,           -- the image it was created from (rmi refuses while it is here)
  image_name TEXT NOT NULL,         -- as the user gave it
  created TEXT NOT NULL,
  settings TEXT NOT NULL,           -- JSON: Docker's Config and HostConfig, the resolved command
  state TEXT NOT NULL,              -- created, running, restarting, exited, removing, dead
  monitor_pid INTEGER,              -- the monitor process while it lives, with its start time,
  monitor_started TEXT,             -- so a dead or reused pid is not taken for a live one
  pid INTEGER,                      -- the container's init on the host
  started_at TEXT,
  finished_at TEXT,
  exit_code INTEGER,
  error TEXT,                       -- why the last start failed
  oom_killed INTEGER NOT NULL DEFAULT 0,
  restart_count INTEGER NOT NULL DEFAULT 0,
  stop_requested INTEGER NOT NULL DEFAULT 0, -- stop/kill by a user: the restart policy does not restart it
  paused INTEGER NOT NULL DEFAULT 0, -- frozen by pause (runc pause): still running, shown as paused
  health TEXT,                      -- JSON: Docker's State.Health (the monitor's checks), for a container with a healthcheck
  network TEXT                      -- JSON: the attachment (address, ports) while it runs
);
CREATE INDEX IF NOT EXISTS containers_by_image ON containers(image_id);
CREATE TABLE IF NOT EXISTS events (  -- the last events (src/events/event-log.ts), for docker events
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_micro INTEGER NOT NULL,      -- unix microseconds
  type TEXT NOT NULL,               -- container, image, volume, network, builder
  action TEXT NOT NULL,             -- create, start, die, tag, pull, …
  actor_id TEXT NOT NULL,
  attributes TEXT NOT NULL          -- JSON object of strings: name, image, labels, exitCode, …
);
`;

const BUSY_TIMEOUT_MS = 30_000;

function retryWhileBusy(step: () => void): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return step();
    } catch (error) {
      if (!/database is locked|SQLITE_BUSY/i.test((error as Error).message) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** Schema 4: a store made before it gets image_layers.chain_id, filled from each image's diff IDs. */
function addChainIds(db: DatabaseSync): void {
  const columns = db.prepare('PRAGMA table_info(image_layers)').all() as Array<{ name: string }>;
  if (columns.some((column) => column.name === 'chain_id')) return;
  db.exec("ALTER TABLE image_layers ADD COLUMN chain_id TEXT NOT NULL DEFAULT ''");
  const rows = db.prepare('SELECT image_id AS imageId, diff_id AS diffId FROM image_layers ORDER BY image_id, position').all() as Array<{ imageId: string; diffId: Digest }>;
  const layersOf = new Map<string, Digest[]>();
  for (const row of rows) {
    const layers = layersOf.get(row.imageId);
    if (layers) layers.push(row.diffId);
    else layersOf.set(row.imageId, [row.diffId]);
  }
  const update = db.prepare('UPDATE image_layers SET chain_id = ? WHERE image_id = ? AND position = ?');
  for (const [imageId, diffIds] of layersOf) chainIds(diffIds).forEach((chainId, position) => update.run(chainId, imageId, position));
}

/**
 * Columns added to a table after its first schema (6–9: containers.paused and .health, networks.labels): a store made
 * before gets each, with its default. Checked by name, so a store of any earlier version gets those it lacks.
 */
const ADDED_COLUMNS: Array<[table: string, column: string, definition: string]> = [
  ['containers', 'paused', 'INTEGER NOT NULL DEFAULT 0'],
  ['containers', 'health', 'TEXT'],
  ['networks', 'labels', 'TEXT'],
];

function addColumns(db: DatabaseSync): void {
  for (const [table, column, definition] of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((existing) => existing.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
}

export type Row = Record<string, string | number | bigint | null | Uint8Array>;

export class MetadataDb {
  readonly db: DatabaseSync;
  private readonly file: string;

  /** With `create: false` a missing file is an error, not a new empty store (SQLite's mode=rw). */
  constructor(file: string, options: { create?: boolean } = {}) {
    this.file = file;
    const target = options.create === false ? `${pathToFileURL(file).href}?mode=rw` : file;
    this.db = new DatabaseSync(target, { timeout: BUSY_TIMEOUT_MS });
    try {
      this.db.exec('PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
    } catch (error) {
      this.db.close();
      throw this.worded(error);
    }
    // Switching a new file to WAL takes an exclusive lock that SQLite's busy handler does not wait for,
    // so two processes opening a fresh store at once retry here instead of failing.
    retryWhileBusy(() => this.db.exec('PRAGMA journal_mode = WAL'));
    const version = (this.get('PRAGMA user_version') as { user_version: number }).user_version;
    if (version < SCHEMA_VERSION) {
      this.transaction(() => {
        this.db.exec(SCHEMA);
        addChainIds(this.db);
        addColumns(this.db);
        this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      });
    }
  }

  get(sql: string, ...params: Array<string | number | null>): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }

  all(sql: string, ...params: Array<string | number | null>): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  /** Rows as arrays in the order of the selected columns: no object per row, for the big listings. */
  arrays(sql: string, ...params: Array<string | number | null>): Array<Array<Row[string]>> {
    const statement = this.db.prepare(sql);
    statement.setReturnArrays(true);
    return statement.all(...params) as unknown as Array<Array<Row[string]>>;
  }

  run(sql: string, ...params: Array<string | number | null>): number {
    return Number(this.db.prepare(sql).run(...params).changes);
  }

  /**
   * Runs `body` in one write transaction. BEGIN IMMEDIATE takes the write lock up front, so two
   * processes never both read-then-write stale state; the other waits up to the busy timeout.
   * `durable: false` commits without fsyncing the log, for rows that die with this process anyway (a lease's): other
   * processes see them at once all the same. An fsync here blocks this thread for as long as the disk takes to
   * flush, ~20 ms while a pull's layers are being written back.
   */
  transaction<T>(body: () => T, options: { durable?: boolean } = {}): T {
    if (options.durable === false) {
      this.db.exec('PRAGMA synchronous = NORMAL');
      try {
        return this.transaction(body);
      } finally {
        this.db.exec('PRAGMA synchronous = FULL');
      }
    }
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      // SQLite has already rolled back a commit that failed for want of space (SQLITE_FULL): a ROLLBACK would only
      // replace the error that says why with "no transaction is active".
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw this.worded(error);
    }
  }

  close(): void {
    this.db.close();
  }

  /** A full disk in Go's words, naming the database, as the store's other writes say it; other errors as they are. */
  private worded(error: unknown): unknown {
    const code = (error as { errcode?: number })?.errcode;
    if (code === SQLITE_FULL) return new SystemError(`write ${this.file}: no space left on device`, { cause: error });
    // The first connection makes the WAL's shared-memory file (32 KiB), which a full disk has no room for.
    if (code === SQLITE_IOERR_SHMSIZE) return new SystemError(`write ${this.file}-shm: ${this.diskFull() ? 'no space left on device' : 'input/output error'}`, { cause: error });
    return error;
  }

  private diskFull(): boolean {
    try {
      return process.getBuiltinModule('node:fs').statfsSync(this.file).bavail === 0;
    } catch {
      return false;
    }
  }
}

const SQLITE_FULL = 13;
const SQLITE_IOERR_SHMSIZE = 4874;
