// The monitor's writes to the metadata DB: each a short transaction on a connection opened for it, as the CLI's own writes are.
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "monitor.h"

static const char *db_file;
static const char *id;
/* an --rm container: its record goes when it ends */
static bool ephemeral;

/* The CLI may hold the write lock for a while (a big load); it waits as long. */
enum { BUSY_TIMEOUT_MS = 30000 };

void records_init(const char *db_path, const char *container_id, bool auto_remove) {
  db_file = db_path;
  id = container_id;
  ephemeral = auto_remove;
}

/* Now as JavaScript's toISOString writes it, the form every other timestamp in the row has. */
void iso_now(char out[32]) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct tm utc;
  gmtime_r(&now.tv_sec, &utc);
  size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &utc);
  snprintf(out + n, 32 - n, ".%03ldZ", now.tv_nsec / 1000000);
}

/* What a run alone records (its monitor, its start), and all of an --rm container's, is written without an fsync, as
 * RUN_STATE in container-store.ts says why; how a kept container's run ended stays durable. */
enum durability { DURABLE, RUN_STATE };

static sqlite3 *begin_as(enum durability durability) {
  sqlite3 *db;
  if (sqlite3_open_v2(db_file, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    complain("open %s: %s", db_file, sqlite3_errmsg(db));
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
  if (durability == RUN_STATE) sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    complain("begin: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return NULL;
  }
  return db;
}

static sqlite3 *begin(void) {
  return begin_as(ephemeral ? RUN_STATE : DURABLE);
}

static void commit(sqlite3 *db) {
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) complain("commit: %s", sqlite3_errmsg(db));
  sqlite3_close(db);
}

/* Binds the container's ID last, then the given values in order: 'i' an integer, 's' text, 'n' NULL. */
static void run(sqlite3 *db, const char *sql, const char *types, ...) {
  sqlite3_stmt *statement;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) {
    complain("%s: %s", sql, sqlite3_errmsg(db));
    return;
  }
  va_list values;
  va_start(values, types);
  int index = 1;
  for (const char *type = types; *type; type++, index++) {
    if (*type == 'i') sqlite3_bind_int64(statement, index, va_arg(values, long));
    else if (*type == 's') sqlite3_bind_text(statement, index, va_arg(values, const char *), -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(statement, index);
  }
  va_end(values);
  sqlite3_bind_text(statement, index, id, -1, SQLITE_STATIC);
  if (sqlite3_step(statement) != SQLITE_DONE) complain("%s: %s", sql, sqlite3_errmsg(db));
  sqlite3_finalize(statement);
}

/* A container event for `docker events`, in the caller's transaction, as dockerd's LogContainerEventWithAttributes
 * makes it: `attributes` (SQL over the container's row, after the caller's change), then its labels, its image as the
 * user gave it and its name; the log keeps its last 1024, as event-log.ts does. */
static void record_event(sqlite3 *db, const char *action, const char *attributes) {
  char sql[1024];
  snprintf(sql, sizeof sql,
           "INSERT INTO events (time_micro, type, action, actor_id, attributes) SELECT ?, 'container', ?, id, json_patch(json_patch(%s, "
           "COALESCE(json_extract(settings, '$.config.Labels'), '{}')), json_object('image', image_name, 'name', name)) FROM containers WHERE id = ?",
           attributes);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  run(db, sql, "is", (long)now.tv_sec * 1000000 + now.tv_nsec / 1000, action);
  if (sqlite3_exec(db, "DELETE FROM events WHERE seq <= last_insert_rowid() - 1024", NULL, NULL, NULL) != SQLITE_OK) complain("trim events: %s", sqlite3_errmsg(db));
}

void record_monitor(long pid, const char *start_time) {
  sqlite3 *db = begin_as(RUN_STATE);
  if (!db) return;
  run(db, "UPDATE containers SET monitor_pid = ?, monitor_started = ?, stop_requested = 0 WHERE id = ?", "is", pid, start_time);
  commit(db);
}

/* The monitor's last act, so that a command waiting for it (stop, restart, the next start) goes on only once the
 * runtime's record is gone. Only while the row still names this monitor: a new run's monitor may have written its own. */
void record_monitor_gone(long pid) {
  sqlite3 *db = begin_as(RUN_STATE);
  if (!db) return;
  run(db, "UPDATE containers SET monitor_pid = NULL, monitor_started = NULL WHERE monitor_pid = ? AND id = ?", "i", pid);
  commit(db);
}

void record_running(long pid, int restart_count, bool healthcheck) {
  char now[32];
  iso_now(now);
  sqlite3 *db = begin_as(RUN_STATE);
  if (!db) return;
  /* each run starts its checks over (dockerd's initHealthMonitor), keeping the last run's log */
  run(db, "UPDATE containers SET state = 'running', paused = 0, pid = ?, started_at = ?, restart_count = ?, error = NULL, exit_code = NULL, health = CASE WHEN ? "
          "THEN json_object('Status', 'starting', 'FailingStreak', 0, 'Log', json(COALESCE(json_extract(health, '$.Log'), '[]'))) END WHERE id = ?",
      "isii", pid, now, (long)restart_count, (long)healthcheck);
  record_event(db, "start", "json_object()");
  commit(db);
}

static bool stop_requested(sqlite3 *db) {
  sqlite3_stmt *statement;
  bool requested = false;
  if (sqlite3_prepare_v2(db, "SELECT stop_requested FROM containers WHERE id = ?", -1, &statement, NULL) != SQLITE_OK) return false;
  sqlite3_bind_text(statement, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step(statement) == SQLITE_ROW) requested = sqlite3_column_int(statement, 0) != 0;
  sqlite3_finalize(statement);
  return requested;
}

bool record_stop_requested(void) {
  sqlite3 *db;
  if (sqlite3_open_v2(db_file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return false;
  }
  sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
  bool requested = stop_requested(db);
  sqlite3_close(db);
  return requested;
}

/* The restart policy as stored now, which `update` may have changed since this monitor started; untouched when unreadable. */
void record_restart_policy(char name[RESTART_POLICY_SIZE], int *max_retries) {
  sqlite3 *db;
  if (sqlite3_open_v2(db_file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
  sqlite3_stmt *statement;
  const char *sql = "SELECT json_extract(settings, '$.hostConfig.RestartPolicy.Name'), json_extract(settings, '$.hostConfig.RestartPolicy.MaximumRetryCount') FROM containers WHERE id = ?";
  if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK) {
    sqlite3_bind_text(statement, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_type(statement, 0) == SQLITE_TEXT) {
      snprintf(name, RESTART_POLICY_SIZE, "%s", (const char *)sqlite3_column_text(statement, 0));
      *max_retries = sqlite3_column_int(statement, 1);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
}

bool record_exited(int exit_code, bool oom_killed, bool died) {
  char now[32];
  iso_now(now);
  sqlite3 *db = begin();
  if (!db) return false;
  bool requested = stop_requested(db);
  run(db, "UPDATE containers SET state = 'exited', paused = 0, exit_code = ?, finished_at = ?, pid = NULL, oom_killed = ? WHERE id = ?", "isi", (long)exit_code, now, (long)oom_killed);
  if (oom_killed) record_event(db, "oom", "json_object()");
  /* execDuration: the run's whole seconds, truncated as dockerd's int(time.Since(StartedAt).Seconds()) */
  if (died) record_event(db, "die", "json_object('exitCode', CAST(exit_code AS TEXT), 'execDuration', CAST(CAST((julianday(finished_at) - julianday(started_at)) * 86400 AS INTEGER) AS TEXT))");
  commit(db);
  return requested;
}

void record_restarting(int restart_count) {
  sqlite3 *db = begin();
  if (!db) return;
  run(db, "UPDATE containers SET state = 'restarting', restart_count = ? WHERE id = ?", "i", (long)restart_count);
  commit(db);
}

void record_health(const char *status, int failing_streak, const char *start, const char *end, int exit_code, const char *output, bool changed) {
  sqlite3 *db = begin_as(RUN_STATE);
  if (!db) return;
  run(db, "UPDATE containers SET health = json_set(health, '$.Status', ?, '$.FailingStreak', ?, '$.Log[#]', json_object('Start', ?, 'End', ?, 'ExitCode', ?, 'Output', ?)) WHERE id = ?",
      "sissis", status, (long)failing_streak, start, end, (long)exit_code, output);
  /* Docker's log keeps the last 5 checks */
  run(db, "UPDATE containers SET health = json_remove(health, '$.Log[0]') WHERE json_array_length(health, '$.Log') > 5 AND id = ?", "");
  if (changed) {
    char action[64];
    snprintf(action, sizeof action, "health_status: %s", status);
    record_event(db, action, "json_object()");
  }
  commit(db);
}
