// A container's monitor (dist/wharf-monitor): starts the container with the OCI runtime and reaps it as its subreaper, owns its stdio, writes its logs, records its exits, restarts it; the exit helper releases or removes it.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "monitor.h"
#include "runtime-handoff.h"

/* ROOTFS is the mount point snapshotter.ts names in the container directory */
static const char PID_FILE[] = "init.pid", HEALTH_PID_FILE[] = "health.pid", ROOTFS[] = "rootfs", RUNTIME_LOG[] = "runtime.log", CONSOLE_SOCKET[] = "console.sock", SOCKET_NAME[] = "attach.sock";

static struct {
  const char *id, *runtime, *state_root, *log_file, *restart;
  /* the container's overlay root, mounted here (see mount_rootfs): lower dirs relative to overlay_cwd */
  const char *overlay_cwd, *overlay_options;
  bool tty, open_stdin, stdin_once, wait_attach, auto_remove, overlay_volatile;
  int max_retries, log_max_files;
  long long log_max_size;
  /* the exit helper's command line: what comes after `--` */
  char **exit_helper;
} options = {.restart = "no", .log_max_files = 1};

/* One run of the container: the runtime's process while it starts the container, then the container's init. */
static struct {
  bool active, started;
  pid_t runtime_pid, init_pid;
  int runtime_status, init_status;
  bool runtime_done, init_done;
  /* the container's output (the runtime's own before it starts); with a terminal, the pty master instead */
  int out, err, console, console_listener;
  /* where stdin frames go: the stdin pipe, or the pty master */
  int in;
  bool close_in_when_flushed;
  struct outbuf pending_in;
  /* output before the container started is the runtime's complaint, not the container's: held until then */
  struct outbuf held[2];
  /* how long the output may take to end once the init has exited */
  long long drain_deadline;
} run = {.out = -1, .err = -1, .console = -1, .console_listener = -1, .in = -1};

/* Children reaped before this process knew them: a container's init may be reaped before the pid file is read. */
static struct {
  pid_t pid;
  int status;
} early[16];
static size_t early_count;

static struct {
  pid_t pid;
  int in, out;
  char line[4096];
  size_t line_len;
} helper = {.in = -1, .out = -1};

/* The client that claimed the exit (run, start -a, a build's RUN): told of the end, it handles it in the exit helper's
 * place, and its answer is the final status. Gone before answering, the helper takes over. */
static struct {
  int client;
  bool pending;
  int code;
  bool ran;
} claim = {.client = -1};

/* Docker's healthcheck: its test, run with `runc exec` every interval while the container runs (none without a test). */
static struct {
  char **test;
  int test_len, retries;
  long long interval_ms, timeout_ms, start_period_ms, start_interval_ms;
  /* when the next check is due, or, while one runs, when it times out; 0 between runs */
  long long due_at, run_started_at, check_started_at;
  pid_t pid;
  int out, failing_streak;
  bool timed_out;
  const char *status;
  char start[32], output[4097];
  size_t output_len;
} health = {.out = -1};

static struct json_log *log_writer;
static int child_signals[2];
/* the last run's exit code: a restart cancelled by stop, and a helper gone without its answer, report it */
static int restart_count, last_exit_code;
/* when a restart is due (CLOCK_MONOTONIC ms), 0 for none */
static long long restart_at;
static bool waiting_for_client, finished;
static struct winsize console_size = {.ws_row = 24, .ws_col = 80};

void complain(const char *format, ...) {
  va_list values;
  va_start(values, format);
  fprintf(stderr, "wharf monitor %s: ", options.id ? options.id : "?");
  vfprintf(stderr, format, values);
  fputc('\n', stderr);
  va_end(values);
}

static long long now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void set_status(const char *state, int code) {
  char json[128];
  if (code < 0) snprintf(json, sizeof json, "{\"state\":\"%s\"}", state);
  else snprintf(json, sizeof json, "{\"state\":\"%s\",\"exitCode\":%d}", state, code);
  attach_set_status(json);
}

static void emit(enum log_stream stream, const char *data, size_t len) {
  if (!run.started) {
    outbuf_append(&run.held[stream], data, len);
    return;
  }
  json_log_write(log_writer, stream, data, len);
  attach_broadcast(stream == LOG_STDOUT ? FRAME_STDOUT : FRAME_STDERR, data, len);
}

static void flush_stdin(void);

static pid_t spawn(char *const argv[], int in, int out, int err) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  /* ignored signals stay ignored across exec: the container gets SIGPIPE's default */
  signal(SIGPIPE, SIG_DFL);
  execvp(argv[0], argv);
  fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static void pipe_or_die(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) {
    complain("pipe: %m");
    exit(1);
  }
}

static void set_nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* runc sends the terminal it made for the container over the console socket. */
static void receive_console(void) {
  run.console = receive_terminal(run.console_listener);
  close_fd(&run.console_listener);
  unlink(CONSOLE_SOCKET);
  if (run.console < 0) {
    complain("the runtime sent no terminal");
    return;
  }
  set_nonblocking(run.console);
  ioctl(run.console, TIOCSWINSZ, &console_size);
  if (!options.open_stdin) return;
  run.in = run.console;
  flush_stdin();
}

/* `runc run -d`: the runtime returns once the container runs, and its init is then this process's child (it is the subreaper). */
static void run_once(void) {
  unlink(PID_FILE);
  unlink(RUNTIME_LOG);
  struct outbuf held[2] = {run.held[0], run.held[1]};
  held[0].len = held[1].len = 0;
  outbuf_free(&run.pending_in);
  run = (typeof(run)){.active = true, .out = -1, .err = -1, .console = -1, .console_listener = -1, .in = -1, .held = {held[0], held[1]}};
  int out[2], err[2], in[2] = {-1, -1};
  pipe_or_die(out);
  pipe_or_die(err);
  if (options.open_stdin && !options.tty) pipe_or_die(in);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  char bundle[4096];
  if (!getcwd(bundle, sizeof bundle)) bundle[0] = 0;
  char *argv[20] = {(char *)options.runtime, "--root", (char *)options.state_root, "--log", (char *)RUNTIME_LOG, "--log-format", "json", "run", "-d", "--bundle", bundle, "--pid-file", (char *)PID_FILE};
  int n = 13;
  if (options.tty) {
    argv[n++] = "--console-socket";
    argv[n++] = (char *)CONSOLE_SOCKET;
  }
  argv[n++] = (char *)options.id;
  if (options.tty) run.console_listener = listen_unix(CONSOLE_SOCKET);
  run.runtime_pid = spawn(argv, in[0] >= 0 ? in[0] : devnull, out[1], err[1]);
  close(devnull);
  close(out[1]);
  close(err[1]);
  if (in[0] >= 0) close(in[0]);
  run.in = in[1];
  run.out = out[0];
  run.err = err[0];
  if (run.in >= 0) set_nonblocking(run.in);
  set_nonblocking(run.out);
  set_nonblocking(run.err);
}

static void release_held_output(void) {
  for (int stream = LOG_STDOUT; stream <= LOG_STDERR; stream++) {
    if (run.held[stream].len) emit((enum log_stream)stream, run.held[stream].data, run.held[stream].len);
    run.held[stream].len = 0;
  }
}

static long long check_interval_ms(void);

/* The runtime returned: with success the container runs (the moment it started); otherwise it never will. */
static void on_runtime_exit(int status) {
  run.runtime_done = true;
  run.runtime_status = status;
  run.init_pid = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? read_pid_file(PID_FILE) : 0;
  if (run.init_pid <= 0) return;
  run.started = true;
  record_running(run.init_pid, restart_count, health.test != NULL);
  if (health.test) {
    health.status = "starting";
    health.failing_streak = 0;
    health.run_started_at = now_ms();
    if (!health.pid) health.due_at = health.run_started_at + check_interval_ms();
  }
  set_status("running", -1);
  release_held_output();
  for (size_t i = 0; i < early_count; i++) {
    if (early[i].pid != run.init_pid) continue;
    run.init_done = true;
    run.init_status = early[i].status;
    run.drain_deadline = now_ms() + 2000;
  }
  early_count = 0;
}

static void read_helper(void);
static void health_done(int status);

static void reap(void) {
  char drained[64];
  while (read(child_signals[0], drained, sizeof drained) > 0) {}
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (run.active && pid == run.runtime_pid && !run.runtime_done) on_runtime_exit(status);
    else if (run.active && run.started && pid == run.init_pid) {
      run.init_done = true;
      run.init_status = status;
      run.drain_deadline = now_ms() + 2000;
    } else if (health.pid && pid == health.pid) {
      health_done(status);
    } else if (helper.pid && pid == helper.pid) {
      helper.pid = 0;
      if (helper.out >= 0) read_helper();
    } else if (early_count < sizeof early / sizeof early[0]) early[early_count++] = (typeof(early[0])){pid, status};
  }
}

/* What the kernel's memory controller says of the container's cgroup, read before the runtime removes it. */
static bool was_oom_killed(void) {
  char path[512], text[1024] = "";
  snprintf(path, sizeof path, "/sys/fs/cgroup/memory/wharf/%s/memory.oom_control", options.id);
  FILE *file = fopen(path, "re");
  if (!file) return false;
  size_t got = fread(text, 1, sizeof text - 1, file);
  text[got] = 0;
  fclose(file);
  const char *kills = strstr(text, "oom_kill ");
  return kills && atoi(kills + strlen("oom_kill ")) > 0;
}

/* `runc run -d` leaves its record of the stopped container (and its cgroup); the next run of the same ID needs it gone. */
static void delete_runtime_state(void) {
  /* A data root removed while the container ran took the record with it; runc would make its root again, and the data
   * root's directory with it. */
  if (access(options.state_root, F_OK) != 0) return;
  char *argv[] = {(char *)options.runtime, "--root", (char *)options.state_root, "delete", "--force", (char *)options.id, NULL};
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  pid_t pid = spawn(argv, devnull, devnull, devnull);
  close(devnull);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
}

static bool should_restart(int code, bool stop_requested) {
  if (stop_requested || options.auto_remove) return false;
  /* the policy as `update` may have left it, over the one this monitor started with */
  static char policy[RESTART_POLICY_SIZE];
  if (options.restart != policy) {
    snprintf(policy, sizeof policy, "%s", options.restart);
    options.restart = policy;
  }
  record_restart_policy(policy, &options.max_retries);
  if (!strcmp(options.restart, "always") || !strcmp(options.restart, "unless-stopped")) return true;
  if (!strcmp(options.restart, "on-failure")) return code != 0 && (options.max_retries == 0 || restart_count < options.max_retries);
  return false;
}

static void start_helper(void) {
  int in[2], out[2];
  pipe_or_die(in);
  pipe_or_die(out);
  helper.pid = spawn(options.exit_helper, in[0], out[1], 2);
  close(in[0]);
  close(out[1]);
  helper.in = in[1];
  helper.out = out[0];
  set_nonblocking(helper.out);
}

/* The exit helper releases the run (or removes an --rm container) and answers with the final status for the clients. */
static void hand_to_helper(int code, bool ran) {
  if (helper.in < 0) start_helper();
  dprintf(helper.in, "%d %d\n", code, ran ? 1 : 0);
  close_fd(&helper.in);
}

/* False when the claimer is gone (attach_send dropped it): then the helper has the work. */
static bool tell_claimer(int code, bool ran) {
  char json[64];
  snprintf(json, sizeof json, "{\"exitCode\":%d,\"ran\":%s}", code, ran ? "true" : "false");
  if (!attach_send(claim.client, FRAME_EXIT, json, strlen(json))) return false;
  claim.pending = true;
  claim.code = code;
  claim.ran = ran;
  return true;
}

/* Here a syscall, where the helper would spawn umount(8) from Node (~15 ms); a root that is no mount (vfs) stays. A
 * volatile overlay leaves a mark in its work dir that refuses every later mount, meant for a crash: after this clean
 * unmount it goes, so a container whose start failed can be started again. */
static void unmount_rootfs(void) {
  umount2(ROOTFS, MNT_DETACH);
  unlink("work/work/incompat/volatile/dirty");
  rmdir("work/work/incompat/volatile");
  rmdir("work/work/incompat");
}

static void finish(int code, bool ran) {
  finished = true;
  unmount_rootfs();
  last_exit_code = code;
  json_log_close(log_writer);
  log_writer = NULL;
  if (claim.client >= 0 && tell_claimer(code, ran)) return;
  hand_to_helper(code, ran);
}

static void end_run(void) {
  run.active = false;
  if (run.in >= 0 && run.in != run.console) close(run.in);
  run.in = -1;
  close_fd(&run.out);
  close_fd(&run.err);
  close_fd(&run.console);
  close_fd(&run.console_listener);
  if (!run.started) {
    unlink(CONSOLE_SOCKET);
    /* a restart whose start a stop cut short (runc kill during runc run): the container ended with its last run, as
     * when the stop comes between runs */
    if (restart_count > 0 && record_stop_requested()) {
      record_exited(last_exit_code, false, false);
      finish(last_exit_code, true);
      return;
    }
    finish(exit_code(run.runtime_status), false);
    return;
  }
  json_log_flush(log_writer);
  int code = exit_code(run.init_status);
  bool oom_killed = code == 137 && was_oom_killed();
  bool stop_requested = record_exited(code, oom_killed, true);
  if (!should_restart(code, stop_requested)) {
    finish(code, true);
    return;
  }
  delete_runtime_state();
  last_exit_code = code;
  restart_count++;
  record_restarting(restart_count);
  set_status("restarting", code);
  long long backoff = 100LL << (restart_count - 1 < 10 ? restart_count - 1 : 10);
  restart_at = now_ms() + (backoff < 60000 ? backoff : 60000);
}

/* A run ends when the runtime failed, or when the init has exited and its output has ended (or had its time to). */
static bool run_ended(void) {
  if (!run.active || !run.runtime_done) return false;
  if (!run.started) return true;
  if (!run.init_done) return false;
  return (run.out < 0 && run.err < 0 && run.console < 0) || now_ms() >= run.drain_deadline;
}

/* The runtime's record of the container goes once the clients have heard how it ended: they need not wait for it. */
static void final_status(const char *json) {
  attach_set_status(json);
  attach_hang_up();
  close_fd(&helper.out);
  delete_runtime_state();
}

/* Without the helper's answer the clients still hear how the container ended; a helper gone before the end is started again then. */
static void helper_gone(void) {
  if (!finished) {
    complain("the exit helper ended early");
    close_fd(&helper.in);
    close_fd(&helper.out);
    return;
  }
  char json[64];
  snprintf(json, sizeof json, "{\"state\":\"exited\",\"exitCode\":%d}", last_exit_code);
  final_status(json);
}

/* Takes what the helper has written: its answer once the line is whole; without one at its end, the helper is gone. */
static void read_helper(void) {
  ssize_t got;
  while ((got = read(helper.out, helper.line + helper.line_len, sizeof helper.line - 1 - helper.line_len)) > 0) helper.line_len += (size_t)got;
  char *newline = memchr(helper.line, '\n', helper.line_len);
  if (newline) {
    *newline = 0;
    final_status(helper.line);
  } else if (got == 0 || helper.line_len == sizeof helper.line - 1) {
    helper_gone();
  }
}

static void flush_stdin(void) {
  if (run.in < 0) return;
  if (!outbuf_flush(&run.pending_in, run.in)) {
    run.pending_in.len = 0;
    if (run.in != run.console) close(run.in);
    run.in = -1;
  } else if (run.close_in_when_flushed && run.pending_in.len == 0 && run.in != run.console) {
    close_fd(&run.in);
  }
}

static void resize(const char *payload, size_t len) {
  char json[128];
  snprintf(json, sizeof json, "%.*s", (int)(len < sizeof json - 1 ? len : sizeof json - 1), payload);
  const char *height = strstr(json, "\"height\":"), *width = strstr(json, "\"width\":");
  if (!height || !width) return;
  console_size.ws_row = (unsigned short)atoi(height + strlen("\"height\":"));
  console_size.ws_col = (unsigned short)atoi(width + strlen("\"width\":"));
  if (run.console >= 0) ioctl(run.console, TIOCSWINSZ, &console_size);
}

static void on_frame(int client, int kind, const char *payload, size_t len) {
  /* with a terminal, what comes before runc hands it over waits for it */
  bool awaiting_console = options.tty && options.open_stdin && run.active && run.console < 0;
  if (kind == FRAME_STDIN && (run.in >= 0 || awaiting_console)) {
    outbuf_append(&run.pending_in, payload, len);
    flush_stdin();
  } else if (kind == FRAME_STDIN_CLOSE && options.stdin_once) {
    run.close_in_when_flushed = true;
    flush_stdin();
  } else if (kind == FRAME_RESIZE) {
    resize(payload, len);
  } else if (kind == FRAME_CLAIM_EXIT && claim.client < 0 && !finished) {
    claim.client = client;
  } else if (kind == FRAME_EXIT_HANDLED && client == claim.client && claim.pending) {
    claim.pending = false;
    claim.client = -1;
    char *json = strndup(payload, len);
    final_status(json);
    free(json);
  }
}

static void on_disconnect(int client) {
  if (client != claim.client) return;
  claim.client = -1;
  if (!claim.pending) return;
  claim.pending = false;
  hand_to_helper(claim.code, claim.ran);
}

static void on_connect(void) {
  if (!waiting_for_client) return;
  waiting_for_client = false;
  run_once();
}

static void read_output(int *fd, enum log_stream stream) {
  char chunk[65536];
  ssize_t got = read(*fd, chunk, sizeof chunk);
  if (got > 0) emit(stream, chunk, (size_t)got);
  else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
    if (*fd == run.in) run.in = -1;
    close_fd(fd);
  }
}

static void on_child_signal(int signal_number) {
  (void)signal_number;
  int saved = errno;
  if (write(child_signals[1], "", 1) < 0) {}
  errno = saved;
}

static bool container_running(void) {
  return run.active && run.started && !run.init_done;
}

/* A check's output as Docker keeps it: stdout and stderr together, the first 4 KiB; the rest is read and dropped. */
static void read_health_output(void) {
  char chunk[4096];
  ssize_t got;
  while ((got = read(health.out, chunk, sizeof chunk)) > 0) {
    size_t keep = sizeof health.output - 1 - health.output_len;
    if (keep > (size_t)got) keep = (size_t)got;
    memcpy(health.output + health.output_len, chunk, keep);
    health.output_len += keep;
  }
  if (got == 0 || (errno != EAGAIN && errno != EINTR)) close_fd(&health.out);
}

/* `runc exec` runs the test as the container's process runs (its user, env and working directory). */
static void start_check(void) {
  char *argv[health.test_len + 8];
  char *head[] = {(char *)options.runtime, "--root", (char *)options.state_root, "exec", "--pid-file", (char *)HEALTH_PID_FILE, (char *)options.id};
  memcpy(argv, head, sizeof head);
  memcpy(argv + 7, health.test, sizeof(char *) * health.test_len);
  argv[7 + health.test_len] = NULL;
  int out[2];
  pipe_or_die(out);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  unlink(HEALTH_PID_FILE);
  iso_now(health.start);
  health.check_started_at = now_ms();
  health.pid = spawn(argv, devnull, out[1], out[1]);
  close(devnull);
  close(out[1]);
  health.out = out[0];
  set_nonblocking(health.out);
  health.output_len = 0;
  health.timed_out = false;
  health.due_at = health.check_started_at + health.timeout_ms;
}

/* Due: the next check, or the running one's timeout. Past it the check's process is killed, and runc then reports its
 * end; runc itself when it has not started one yet, or has not ended a second later. */
static void health_tick(void) {
  if (!health.pid) {
    if (container_running()) start_check();
    else health.due_at = 0;
    return;
  }
  pid_t process = health.timed_out ? 0 : read_pid_file(HEALTH_PID_FILE);
  kill(process > 0 ? process : health.pid, SIGKILL);
  health.timed_out = true;
  health.due_at = now_ms() + 1000;
}

/* Milliseconds as Go's Duration.String() writes the usual ones (200ms, 30s, 1m30s), for the timeout's message. */
static const char *go_duration(long long ms) {
  static char text[32];
  if (ms % 1000) snprintf(text, sizeof text, "%lldms", ms);
  else if (ms >= 60000) snprintf(text, sizeof text, "%lldm%llds", ms / 60000, ms / 1000 % 60);
  else snprintf(text, sizeof text, "%llds", ms / 1000);
  return text;
}

/* A check's result: the status and failing streak it leaves, recorded with its output. */
static void record_check(int status) {
  int code = health.timed_out ? -1 : exit_code(status);
  health.output[health.output_len] = 0;
  if (health.timed_out) snprintf(health.output, sizeof health.output, "Health check exceeded timeout (%s)", go_duration(health.timeout_ms));
  const char *before = health.status;
  if (code == 0) {
    health.failing_streak = 0;
    health.status = "healthy";
  } else if (strcmp(health.status, "starting") || health.check_started_at - health.run_started_at >= health.start_period_ms) {
    if (++health.failing_streak >= health.retries) health.status = "unhealthy";
  }
  char end[32];
  iso_now(end);
  record_health(health.status, health.failing_streak, health.start, end, code, health.output, health.status != before);
}

/* dockerd's getInterval: the start interval while the container is still starting, within its start period; else the interval. */
static long long check_interval_ms(void) {
  bool starting = !strcmp(health.status, "starting") && now_ms() - health.run_started_at < health.start_period_ms;
  return starting ? health.start_interval_ms : health.interval_ms;
}

/* Docker's handleProbeResult: a success makes the container healthy; `retries` failures in a row unhealthy, but not
 * failures within the start period before the first success. The next check comes an interval after this one's end. */
static void health_done(int status) {
  health.pid = 0;
  if (health.out >= 0) read_health_output();
  close_fd(&health.out);
  unlink(HEALTH_PID_FILE);
  /* a check of a run that has ended says nothing of the container now */
  if (container_running() && health.check_started_at >= health.run_started_at) record_check(status);
  health.due_at = container_running() ? now_ms() + check_interval_ms() : 0;
}

/* The poll set: index of each of this file's descriptors (or -1), then the attach server's. */
static size_t add(struct pollfd *fds, size_t *count, int fd, short events) {
  if (fd < 0) return (size_t)-1;
  fds[*count] = (struct pollfd){.fd = fd, .events = events};
  return (*count)++;
}

static bool ready(const struct pollfd *fds, size_t index) {
  return index != (size_t)-1 && fds[index].revents;
}

/* Between a restart policy's runs there is no process for `stop` to signal: its request is looked for this often. */
enum { STOP_CHECK_MS = 100 };

static int poll_timeout(void) {
  long long due = restart_at ? restart_at : run.active && run.init_done ? run.drain_deadline : 0;
  if (health.due_at && (!due || health.due_at < due)) due = health.due_at;
  if (!due) return -1;
  long long left = due - now_ms();
  if (restart_at && left > STOP_CHECK_MS) return STOP_CHECK_MS;
  return left < 0 ? 0 : (int)left;
}

/* The next run once its back-off is over, unless a user stopped the container meanwhile: then it has exited for good. */
static void restart_when_due(void) {
  bool due = now_ms() >= restart_at;
  if (record_stop_requested()) {
    restart_at = 0;
    record_exited(last_exit_code, false, false);
    finish(last_exit_code, true);
  } else if (due) {
    restart_at = 0;
    run_once();
  }
}

static void leave(void) {
  record_monitor_gone((long)getpid());
  exit(0);
}

static void loop(void) {
  for (;;) {
    struct pollfd fds[96];
    size_t count = 0;
    size_t signals = add(fds, &count, child_signals[0], POLLIN);
    size_t out = add(fds, &count, run.out, POLLIN), err = add(fds, &count, run.err, POLLIN), console = add(fds, &count, run.console, POLLIN);
    size_t console_listener = add(fds, &count, run.console_listener, POLLIN);
    size_t in = run.pending_in.len ? add(fds, &count, run.in, POLLOUT) : (size_t)-1;
    size_t answer = add(fds, &count, helper.out, POLLIN), check = add(fds, &count, health.out, POLLIN);
    size_t attach = count;
    count += attach_poll_fill(fds + count);
    if (poll(fds, count, poll_timeout()) < 0 && errno != EINTR) complain("poll: %m");
    if (ready(fds, signals)) reap();
    if (ready(fds, out) && run.out >= 0) read_output(&run.out, LOG_STDOUT);
    if (ready(fds, err) && run.err >= 0) read_output(&run.err, LOG_STDERR);
    if (ready(fds, console) && run.console >= 0) read_output(&run.console, LOG_STDOUT);
    if (ready(fds, console_listener) && run.console_listener >= 0) receive_console();
    if (ready(fds, in)) flush_stdin();
    if (ready(fds, answer) && helper.out >= 0) read_helper();
    if (ready(fds, check) && health.out >= 0) read_health_output();
    attach_poll_dispatch(fds + attach, count - attach);
    if (restart_at) restart_when_due();
    if (health.due_at && now_ms() >= health.due_at) health_tick();
    if (run_ended()) end_run();
    if (finished && !claim.pending && !helper.pid && helper.out < 0) leave();
  }
}

/* fd 3 is the starting CLI's socket: this process says how its start went, and the CLI answers once it may run. */
enum { CLI_SOCKET = 3 };

static bool is_mount_point(const char *path) {
  struct stat inside, parent;
  return stat(path, &inside) == 0 && stat(".", &parent) == 0 && inside.st_dev != parent.st_dev;
}

/* mount(2) of the overlay, volatile if asked and the kernel has it (5.10 on): an --rm container's changes go with it, and
 * unmounting a volatile overlay skips the sync of the whole upper filesystem (seconds while a pull or a build writes). */
static bool mount_overlay(const char *target) {
  if (options.overlay_volatile) {
    char volatile_options[4096];
    snprintf(volatile_options, sizeof volatile_options, "%s,volatile", options.overlay_options);
    if (mount("overlay", target, "overlay", 0, volatile_options) == 0) return true;
    if (errno != EINVAL) return false;
  }
  return mount("overlay", target, "overlay", 0, options.overlay_options) == 0;
}

/* The overlay root, by mount(2) here rather than a mount(8) the CLI would spawn (~20 ms of its start): a root already
 * mounted (a `cp` into the created container at that moment, or a run whose release a crash cut short) stays as it is. */
static bool mount_rootfs(void) {
  if (!options.overlay_options || is_mount_point(ROOTFS)) return true;
  char target[4096] = "";
  int back = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  bool mounted = back >= 0 && realpath(ROOTFS, target) && chdir(options.overlay_cwd) == 0 && mount_overlay(target);
  int failure = errno;
  if (back >= 0 && fchdir(back) != 0) complain("back to the container directory: %m");
  if (back >= 0) close(back);
  if (!mounted) dprintf(CLI_SOCKET, "error mount %s: %s\n", target[0] ? target : ROOTFS, strerror(failure));
  return mounted;
}

/* "ready": the root is mounted and the socket listens; the CLI then writes the runtime spec and answers "go", or hangs
 * up when it failed (and undoes the rest itself). */
static bool cli_says_go(void) {
  if (write(CLI_SOCKET, "ready\n", 6) != 6) return false;
  char answer[8];
  size_t got = 0;
  while (got < 3) {
    ssize_t part = read(CLI_SOCKET, answer + got, sizeof answer - got);
    if (part < 0 && errno == EINTR) continue;
    if (part <= 0) break;
    got += (size_t)part;
  }
  close(CLI_SOCKET);
  return got >= 3 && memcmp(answer, "go\n", 3) == 0;
}

/* This process's start time (field 22 of /proc/self/stat), which tells a live monitor from a reused pid. */
static void own_start_time(char out[32]) {
  char stat[1024] = "";
  FILE *file = fopen("/proc/self/stat", "re");
  size_t got = file ? fread(stat, 1, sizeof stat - 1, file) : 0;
  if (file) fclose(file);
  stat[got] = 0;
  char *field = strrchr(stat, ')');
  out[0] = 0;
  for (int index = 0; field && index < 20; index++) field = strchr(field + 1, ' ');
  if (field) sscanf(field + 1, "%31s", out);
}

static void parse_options(int argc, char **argv) {
  enum { ID = 1, RUNTIME, STATE_ROOT, DB, LOG_FILE, LOG_MAX_SIZE, LOG_MAX_FILES, RESTART, MAX_RETRIES, OVERLAY_CWD, OVERLAY_OPTIONS, CONSOLE_SIZE,
         HEALTH_ARG, HEALTH_INTERVAL, HEALTH_TIMEOUT, HEALTH_START_PERIOD, HEALTH_START_INTERVAL, HEALTH_RETRIES };
  static const struct option known[] = {
      {"id", required_argument, NULL, ID}, {"runtime", required_argument, NULL, RUNTIME}, {"state-root", required_argument, NULL, STATE_ROOT},
      {"db", required_argument, NULL, DB}, {"log-file", required_argument, NULL, LOG_FILE}, {"log-max-size", required_argument, NULL, LOG_MAX_SIZE},
      {"log-max-files", required_argument, NULL, LOG_MAX_FILES}, {"restart", required_argument, NULL, RESTART}, {"max-retries", required_argument, NULL, MAX_RETRIES},
      {"overlay-cwd", required_argument, NULL, OVERLAY_CWD}, {"overlay-options", required_argument, NULL, OVERLAY_OPTIONS}, {"console-size", required_argument, NULL, CONSOLE_SIZE},
      {"health-arg", required_argument, NULL, HEALTH_ARG}, {"health-interval-ms", required_argument, NULL, HEALTH_INTERVAL}, {"health-timeout-ms", required_argument, NULL, HEALTH_TIMEOUT},
      {"health-start-period-ms", required_argument, NULL, HEALTH_START_PERIOD}, {"health-start-interval-ms", required_argument, NULL, HEALTH_START_INTERVAL},
      {"health-retries", required_argument, NULL, HEALTH_RETRIES},
      {"tty", no_argument, NULL, 't'}, {"open-stdin", no_argument, NULL, 'i'}, {"stdin-once", no_argument, NULL, 'o'},
      {"wait-attach", no_argument, NULL, 'w'}, {"auto-remove", no_argument, NULL, 'r'}, {"overlay-volatile", no_argument, NULL, 'v'}, {0},
  };
  const char *db = NULL;
  for (int option; (option = getopt_long(argc, argv, "", known, NULL)) != -1;) {
    switch (option) {
      case ID: options.id = optarg; break;
      case RUNTIME: options.runtime = optarg; break;
      case STATE_ROOT: options.state_root = optarg; break;
      case DB: db = optarg; break;
      case LOG_FILE: options.log_file = optarg; break;
      case LOG_MAX_SIZE: options.log_max_size = atoll(optarg); break;
      case LOG_MAX_FILES: options.log_max_files = atoi(optarg); break;
      case RESTART: options.restart = optarg; break;
      case MAX_RETRIES: options.max_retries = atoi(optarg); break;
      case OVERLAY_CWD: options.overlay_cwd = optarg; break;
      case OVERLAY_OPTIONS: options.overlay_options = optarg; break;
      case CONSOLE_SIZE: sscanf(optarg, "%hux%hu", &console_size.ws_row, &console_size.ws_col); break;
      case HEALTH_ARG:
        health.test = realloc(health.test, sizeof(char *) * (size_t)(health.test_len + 1));
        health.test[health.test_len++] = optarg;
        break;
      case HEALTH_INTERVAL: health.interval_ms = atoll(optarg); break;
      case HEALTH_TIMEOUT: health.timeout_ms = atoll(optarg); break;
      case HEALTH_START_PERIOD: health.start_period_ms = atoll(optarg); break;
      case HEALTH_START_INTERVAL: health.start_interval_ms = atoll(optarg); break;
      case HEALTH_RETRIES: health.retries = atoi(optarg); break;
      case 't': options.tty = true; break;
      case 'i': options.open_stdin = true; break;
      case 'o': options.stdin_once = true; break;
      case 'w': options.wait_attach = true; break;
      case 'r': options.auto_remove = true; break;
      case 'v': options.overlay_volatile = true; break;
      default: exit(2);
    }
  }
  options.exit_helper = argv + optind;
  if (!options.id || !options.runtime || !options.state_root || !db || !options.log_file || !options.exit_helper[0] || !options.overlay_cwd != !options.overlay_options) {
    complain("usage: wharf-monitor --id ID --runtime PATH --state-root DIR --db FILE --log-file FILE [--overlay-cwd DIR --overlay-options OPTIONS [--overlay-volatile]] [options] -- EXIT-HELPER...");
    exit(2);
  }
  records_init(db, options.id, options.auto_remove);
}

int main(int argc, char **argv) {
  parse_options(argc, argv);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  signal(SIGPIPE, SIG_IGN);
  pipe_or_die(child_signals);
  set_nonblocking(child_signals[0]);
  set_nonblocking(child_signals[1]);
  struct sigaction on_child = {.sa_handler = on_child_signal, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
  sigaction(SIGCHLD, &on_child, NULL);
  if (!mount_rootfs()) exit(1);
  log_writer = json_log_open(options.log_file, options.log_max_size, options.log_max_files);
  attach_listen(SOCKET_NAME, (struct attach_handlers){.on_connect = on_connect, .on_frame = on_frame, .on_disconnect = on_disconnect});
  set_status("created", -1);
  char started[32];
  own_start_time(started);
  record_monitor((long)getpid(), started);
  if (!cli_says_go()) {
    unmount_rootfs();
    attach_hang_up();
    leave();
  }
  waiting_for_client = options.wait_attach;
  if (!waiting_for_client) run_once();
  loop();
}
