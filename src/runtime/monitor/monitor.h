// What the parts of the native container monitor share: monitor.c runs the container; each other file does one job for it.
#ifndef WHARF_MONITOR_H
#define WHARF_MONITOR_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

/* Bytes a non-blocking descriptor has not taken yet (a slow attach client, a container not reading its stdin). */
struct outbuf {
  char *data;
  size_t len, cap;
};
void outbuf_append(struct outbuf *buf, const void *data, size_t len);
/* Writes what the descriptor takes now; false once the descriptor is gone. */
bool outbuf_flush(struct outbuf *buf, int fd);
void outbuf_free(struct outbuf *buf);

/* json-log.c: Docker's json-file log driver. */
enum log_stream { LOG_STDOUT, LOG_STDERR };
struct json_log;
struct json_log *json_log_open(const char *file, long long max_size, int max_files);
void json_log_write(struct json_log *log, enum log_stream stream, const char *data, size_t len);
/* What is left of an unfinished line goes out as its own entry, as Docker does at the end of a stream. */
void json_log_flush(struct json_log *log);
void json_log_close(struct json_log *log);

/* attach-server.c: the attach socket's frames, [kind, 4-byte big-endian length, payload], both ways. */
enum frame_kind {
  FRAME_STDOUT = 1, FRAME_STDERR = 2, FRAME_STATUS = 3, FRAME_EXIT = 4,
  FRAME_STDIN = 10, FRAME_STDIN_CLOSE = 11, FRAME_RESIZE = 12, FRAME_CLAIM_EXIT = 13, FRAME_EXIT_HANDLED = 14,
};
/* A client is named by its socket's descriptor. */
struct attach_handlers {
  void (*on_connect)(void);
  void (*on_frame)(int client, int kind, const char *payload, size_t len);
  void (*on_disconnect)(int client);
};
void attach_listen(const char *path, struct attach_handlers handlers);
/* The status every client is sent now and on connecting: JSON, as attach-protocol.ts reads it. */
void attach_set_status(const char *json);
void attach_broadcast(int kind, const void *payload, size_t len);
/* One frame to one client; false when that client is gone. */
bool attach_send(int client, int kind, const void *payload, size_t len);
size_t attach_poll_fill(struct pollfd *fds);
void attach_poll_dispatch(const struct pollfd *fds, size_t count);
/* Stops listening, hands each client its last frames and hangs up. */
void attach_hang_up(void);

/* records.c: the container's row in the metadata DB. */
void records_init(const char *db_path, const char *container_id, bool auto_remove);
void record_monitor(long pid, const char *start_time);
/* `healthcheck`: State.Health starts over (starting); without one it is none. */
void record_running(long pid, int restart_count, bool healthcheck);
/* One check's result in State.Health, and dockerd's `health_status: …` event when `changed`. */
void record_health(const char *status, int failing_streak, const char *start, const char *end, int exit_code, const char *output, bool changed);
/* Clears the row's monitor, if it is still this one. */
void record_monitor_gone(long pid);
/* Returns whether a user asked the container to stop (then no restart policy restarts it). `died`: the run has just
 * ended (dockerd's die, and oom before it), not a restart a stop cancelled after the last run's end was recorded. */
bool record_exited(int exit_code, bool oom_killed, bool died);
void record_restarting(int restart_count);
/* Whether a user asked the container to stop: read between a restart policy's runs, when there is no process to signal. */
bool record_stop_requested(void);
#define RESTART_POLICY_SIZE 16
void record_restart_policy(char name[RESTART_POLICY_SIZE], int *max_retries);

void complain(const char *format, ...);
/* Now as JavaScript's toISOString writes it. */
void iso_now(char out[32]);

/* unix-socket.c; -1 (and a complaint) when it cannot listen. */
int listen_unix(const char *path);

#endif
