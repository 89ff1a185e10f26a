// The monitor's attach socket: clients get the container's status and output as frames and send stdin, stdin's end and terminal sizes.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor.h"

enum { MAX_CLIENTS = 64, HEADER = 5, MAX_FRAME = 1 << 20 };
/* A client that falls this far behind is dropped rather than hold the container's output in memory. */
enum { MAX_BEHIND = 8 << 20 };

struct client {
  int fd;
  struct outbuf out;
  char *in;
  size_t in_len;
};

static int listener = -1;
static const char *socket_path;
static struct client clients[MAX_CLIENTS];
static size_t client_count;
static struct attach_handlers handlers;
static char *status;

static void frame_to(struct client *client, int kind, const void *payload, size_t len) {
  unsigned char header[HEADER] = {(unsigned char)kind, (unsigned char)(len >> 24), (unsigned char)(len >> 16), (unsigned char)(len >> 8), (unsigned char)len};
  outbuf_append(&client->out, header, HEADER);
  outbuf_append(&client->out, payload, len);
}

static void drop(size_t index) {
  int fd = clients[index].fd;
  close(fd);
  outbuf_free(&clients[index].out);
  free(clients[index].in);
  clients[index] = clients[--client_count];
  handlers.on_disconnect(fd);
}

void attach_listen(const char *path, struct attach_handlers with) {
  handlers = with;
  socket_path = path;
  listener = listen_unix(path);
  if (listener < 0) exit(1);
}

void attach_set_status(const char *json) {
  free(status);
  status = strdup(json);
  attach_broadcast(FRAME_STATUS, status, strlen(status));
}

void attach_broadcast(int kind, const void *payload, size_t len) {
  for (size_t i = 0; i < client_count;) {
    frame_to(&clients[i], kind, payload, len);
    if (!outbuf_flush(&clients[i].out, clients[i].fd) || clients[i].out.len > MAX_BEHIND) drop(i);
    else i++;
  }
}

bool attach_send(int client, int kind, const void *payload, size_t len) {
  for (size_t i = 0; i < client_count; i++) {
    if (clients[i].fd != client) continue;
    frame_to(&clients[i], kind, payload, len);
    if (outbuf_flush(&clients[i].out, clients[i].fd)) return true;
    drop(i);
    return false;
  }
  return false;
}

static void accept_client(void) {
  int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  if (client_count == MAX_CLIENTS) {
    close(fd);
    return;
  }
  struct client *client = &clients[client_count++];
  *client = (struct client){.fd = fd};
  frame_to(client, FRAME_STATUS, status, strlen(status));
  outbuf_flush(&client->out, fd);
  handlers.on_connect();
}

/* Hands each whole frame to the handler and keeps a partial one; false when the client is gone or sent nonsense. */
static bool read_frames(struct client *client) {
  char chunk[65536];
  ssize_t got = read(client->fd, chunk, sizeof chunk);
  if (got < 0) return errno == EAGAIN || errno == EINTR;
  if (got == 0) return false;
  client->in = realloc(client->in, client->in_len + (size_t)got);
  memcpy(client->in + client->in_len, chunk, (size_t)got);
  client->in_len += (size_t)got;
  size_t used = 0;
  while (client->in_len - used >= HEADER) {
    const unsigned char *header = (const unsigned char *)client->in + used;
    uint32_t len = (uint32_t)header[1] << 24 | (uint32_t)header[2] << 16 | (uint32_t)header[3] << 8 | header[4];
    if (len > MAX_FRAME) return false;
    if (client->in_len - used < HEADER + len) break;
    handlers.on_frame(client->fd, header[0], client->in + used + HEADER, len);
    used += HEADER + len;
  }
  memmove(client->in, client->in + used, client->in_len - used);
  client->in_len -= used;
  return true;
}

size_t attach_poll_fill(struct pollfd *fds) {
  if (listener < 0) return 0;
  fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
  for (size_t i = 0; i < client_count; i++) fds[i + 1] = (struct pollfd){.fd = clients[i].fd, .events = (short)(POLLIN | (clients[i].out.len ? POLLOUT : 0))};
  return client_count + 1;
}

void attach_poll_dispatch(const struct pollfd *fds, size_t count) {
  if (count == 0) return;
  /* from the last, so that dropping a client (the last moves into its place) leaves the rest to visit */
  for (size_t i = count - 1; i >= 1; i--) {
    size_t index = i - 1;
    if (index >= client_count || clients[index].fd != fds[i].fd) continue;
    bool alive = true;
    if (fds[i].revents & POLLOUT) alive = outbuf_flush(&clients[index].out, clients[index].fd);
    if (alive && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) alive = read_frames(&clients[index]);
    if (!alive) drop(index);
  }
  if (fds[0].revents & POLLIN) accept_client();
}

void attach_hang_up(void) {
  close(listener);
  listener = -1;
  unlink(socket_path);
  for (size_t i = 0; i < client_count; i++) {
    /* the last frames go out whole, however slow the client: blocking, with a bound */
    fcntl(clients[i].fd, F_SETFL, fcntl(clients[i].fd, F_GETFL) & ~O_NONBLOCK);
    struct timeval bound = {.tv_sec = 2};
    setsockopt(clients[i].fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
    outbuf_flush(&clients[i].out, clients[i].fd);
    shutdown(clients[i].fd, SHUT_RDWR);
  }
  while (client_count) drop(client_count - 1);
}
