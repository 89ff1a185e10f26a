// Runs a process in a container with a terminal for a client that has none (the Engine API's `docker exec -t`): starts
// `runc exec --detach` for a process with a terminal, takes the terminal runc sends over the console socket, relays stdin to it and its output to
// stdout, applies the sizes written to fd 3 ("rows cols\n"), and exits with the process's status.
//
// Usage: wharf-exec-relay CONSOLE_SOCKET PID_FILE RUNTIME ARG... (the runtime's arguments ask for a terminal and carry
// --detach --console-socket CONSOLE_SOCKET --pid-file PID_FILE). This process is the subreaper the detached process falls to.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../monitor/runtime-handoff.h"

enum { CONTROL_FD = 3, CHUNK = 65536, POLL_MS = 50, FAILED = 126 };

static int complain(const char *what) {
  fprintf(stderr, "wharf-exec-relay: %s: %s\n", what, strerror(errno));
  return FAILED;
}

static int listen_at(const char *path) {
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  strncpy(address.sun_path, path, sizeof address.sun_path - 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  unlink(path);
  if (fd >= 0 && bind(fd, (struct sockaddr *)&address, sizeof address) == 0 && listen(fd, 1) == 0) return fd;
  return -1;
}

static pid_t run_runtime(char **argv) {
  pid_t child = fork();
  if (child == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    close(CONTROL_FD);
    execvp(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) < 0) return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? child : -1;
}

/* The sizes written to the control fd, one "rows cols" line each; the last complete one wins. */
static bool apply_sizes(int control, int terminal) {
  char text[256];
  ssize_t got = read(control, text, sizeof text - 1);
  if (got <= 0) return false;
  text[got] = 0;
  char *line = text, *end;
  while ((end = strchr(line, '\n'))) {
    struct winsize size = {0};
    if (sscanf(line, "%hu %hu", &size.ws_row, &size.ws_col) == 2) ioctl(terminal, TIOCSWINSZ, &size);
    line = end + 1;
  }
  return true;
}

/* Reaps every child that has ended (orphans fall to this subreaper too); true once `pid` has, its status in *status. */
static bool reaped(pid_t pid, int *status) {
  bool done = false;
  int each;
  for (pid_t ended; (ended = waitpid(-1, &each, WNOHANG)) > 0;) {
    if (ended == pid) *status = each, done = true;
  }
  return done;
}

enum output { COPIED, IDLE, CLOSED };

/* The terminal reads EIO once the process and every other holder of its side have closed it. */
static enum output copy_out(int terminal) {
  char buffer[CHUNK];
  ssize_t got = read(terminal, buffer, sizeof buffer);
  if (got <= 0) return got < 0 && errno == EAGAIN ? IDLE : CLOSED;
  for (ssize_t sent = 0; sent < got;) {
    ssize_t wrote = write(STDOUT_FILENO, buffer + sent, (size_t)(got - sent));
    if (wrote < 0) return CLOSED;
    sent += wrote;
  }
  return COPIED;
}

struct pending {
  char data[CHUNK];
  size_t len, sent;
};

/* Input waits in `pending` while the terminal is full, so output keeps flowing whatever the process reads. */
static bool copy_in(int terminal, struct pending *input, bool readable) {
  if (readable && input->len == input->sent) {
    ssize_t got = read(STDIN_FILENO, input->data, sizeof input->data);
    if (got <= 0) return false;
    input->len = (size_t)got, input->sent = 0;
  }
  ssize_t wrote = write(terminal, input->data + input->sent, input->len - input->sent);
  if (wrote > 0) input->sent += (size_t)wrote;
  return true;
}

static int exit_code(int status) {
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int relay(int terminal, pid_t pid) {
  static struct pending input;
  bool in_open = true, out_open = true, control_open = true;
  int status = 0;
  fcntl(terminal, F_SETFL, fcntl(terminal, F_GETFL) | O_NONBLOCK);
  for (;;) {
    bool waiting = input.sent < input.len;
    struct pollfd fds[3] = {
      {.fd = in_open && !waiting ? STDIN_FILENO : -1, .events = POLLIN},
      {.fd = out_open ? terminal : -1, .events = POLLIN | (waiting ? POLLOUT : 0)},
      {.fd = control_open ? CONTROL_FD : -1, .events = POLLIN},
    };
    poll(fds, 3, POLL_MS);
    if (fds[0].revents || (waiting && (fds[1].revents & POLLOUT))) in_open = copy_in(terminal, &input, fds[0].revents != 0) && in_open;
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) out_open = copy_out(terminal) != CLOSED;
    if (fds[2].revents) control_open = apply_sizes(CONTROL_FD, terminal);
    if (reaped(pid, &status)) {
      while (out_open && copy_out(terminal) == COPIED) continue;
      return exit_code(status);
    }
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: wharf-exec-relay CONSOLE_SOCKET PID_FILE RUNTIME ARG...\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) return complain("become a subreaper");
  int listener = listen_at(argv[1]);
  if (listener < 0) return complain(argv[1]);
  pid_t runtime = run_runtime(argv + 3);
  // runc has exited once the process runs, so its connection and the terminal in it are already queued
  int terminal = runtime > 0 ? receive_terminal(listener) : -1;
  close(listener);
  unlink(argv[1]);
  // the runtime's own failure is in its log, which the caller reads
  if (terminal < 0) return FAILED;
  pid_t pid = read_pid_file(argv[2]);
  unlink(argv[2]);
  if (pid <= 0) return complain("read the process's pid");
  return relay(terminal, pid);
}
