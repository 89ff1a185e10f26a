// What a runtime started detached hands back, for the monitor and the exec relay alike: the terminal it made (over the
// console socket) and the pid it wrote.
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime-handoff.h"

int receive_terminal(int listener) {
  int connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
  if (connection < 0) return -1;
  char name[256], control[CMSG_SPACE(sizeof(int))];
  struct iovec part = {.iov_base = name, .iov_len = sizeof name};
  struct msghdr message = {.msg_iov = &part, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  struct cmsghdr *header = recvmsg(connection, &message, MSG_CMSG_CLOEXEC) > 0 ? CMSG_FIRSTHDR(&message) : NULL;
  close(connection);
  int terminal = -1;
  if (header && header->cmsg_type == SCM_RIGHTS) memcpy(&terminal, CMSG_DATA(header), sizeof terminal);
  return terminal;
}

pid_t read_pid_file(const char *path) {
  FILE *file = fopen(path, "re");
  long pid = 0;
  if (file) {
    if (fscanf(file, "%ld", &pid) != 1) pid = 0;
    fclose(file);
  }
  return (pid_t)pid;
}
