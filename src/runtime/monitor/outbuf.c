// Bytes a non-blocking descriptor has not taken yet, written out as it becomes writable.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor.h"

void outbuf_append(struct outbuf *buf, const void *data, size_t len) {
  if (buf->len + len > buf->cap) {
    buf->cap = (buf->len + len) * 2;
    buf->data = realloc(buf->data, buf->cap);
  }
  memcpy(buf->data + buf->len, data, len);
  buf->len += len;
}

bool outbuf_flush(struct outbuf *buf, int fd) {
  size_t sent = 0;
  while (sent < buf->len) {
    ssize_t n = write(fd, buf->data + sent, buf->len - sent);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) return false;
    sent += (size_t)n;
  }
  memmove(buf->data, buf->data + sent, buf->len - sent);
  buf->len -= sent;
  return true;
}

void outbuf_free(struct outbuf *buf) {
  free(buf->data);
  *buf = (struct outbuf){0};
}
