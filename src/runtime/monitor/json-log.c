// Docker's json-file log driver: one JSON object per line of output ({"log","stream","time"}), rotated by max-size and max-file.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "monitor.h"

/* Docker splits a line longer than this into several entries. */
enum { MAX_LINE = 16 * 1024 };

struct json_log {
  int fd;
  long long size, max_size;
  int max_files;
  const char *file;
  char partial[2][MAX_LINE];
  size_t partial_len[2];
};

struct json_log *json_log_open(const char *file, long long max_size, int max_files) {
  struct json_log *log = calloc(1, sizeof *log);
  log->fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log->fd < 0) complain("open %s: %m", file);
  struct stat info;
  log->size = fstat(log->fd, &info) == 0 ? info.st_size : 0;
  log->max_size = max_size;
  log->max_files = max_files < 1 ? 1 : max_files;
  log->file = file;
  return log;
}

/* RFC 3339 with nanoseconds in UTC, trailing zeros dropped, as Go's time.RFC3339Nano writes it. */
static size_t nano_timestamp(char *out) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct tm utc;
  gmtime_r(&now.tv_sec, &utc);
  size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &utc);
  if (now.tv_nsec) {
    n += (size_t)snprintf(out + n, 32 - n, ".%09ld", now.tv_nsec);
    while (out[n - 1] == '0') n--;
  }
  out[n++] = 'Z';
  return n;
}

/* The length of the valid UTF-8 sequence at text, or 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *text, size_t available) {
  unsigned char lead = text[0];
  size_t length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 0;
  if (length == 0 || length > available) return 0;
  for (size_t i = 1; i < length; i++) if ((text[i] & 0xc0) != 0x80) return 0;
  if (length == 3 && ((lead == 0xe0 && text[1] < 0xa0) || (lead == 0xed && text[1] >= 0xa0))) return 0;
  if (length == 4 && ((lead == 0xf0 && text[1] < 0x90) || (lead == 0xf4 && text[1] >= 0x90))) return 0;
  return length;
}

/* A JSON string's contents; invalid UTF-8 becomes U+FFFD, as Go's encoder writes it. */
static size_t escape(char *out, const unsigned char *text, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    unsigned char c = text[i];
    if (c >= 0x80) {
      size_t length = utf8_sequence(text + i, len - i);
      if (length == 0) {
        n += (size_t)sprintf(out + n, "\\ufffd");
        i++;
      } else {
        memcpy(out + n, text + i, length);
        n += length;
        i += length;
      }
      continue;
    }
    const char *short_form = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
    if (short_form) n += (size_t)sprintf(out + n, "%s", short_form);
    else if (c < 0x20) n += (size_t)sprintf(out + n, "\\u%04x", c);
    else out[n++] = (char)c;
    i++;
  }
  return n;
}

static void rotate(struct json_log *log) {
  close(log->fd);
  if (log->max_files > 1) {
    char from[4096], to[4096];
    snprintf(to, sizeof to, "%s.%d", log->file, log->max_files - 1);
    unlink(to);
    for (int index = log->max_files - 2; index >= 1; index--) {
      snprintf(from, sizeof from, "%s.%d", log->file, index);
      snprintf(to, sizeof to, "%s.%d", log->file, index + 1);
      rename(from, to);
    }
    snprintf(to, sizeof to, "%s.1", log->file);
    rename(log->file, to);
  }
  log->fd = open(log->file, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0640);
  log->size = 0;
}

static void entry(struct json_log *log, enum log_stream stream, const char *text, size_t len) {
  static char line[MAX_LINE * 6 + 128];
  size_t n = (size_t)sprintf(line, "{\"log\":\"");
  n += escape(line + n, (const unsigned char *)text, len);
  n += (size_t)sprintf(line + n, "\",\"stream\":\"%s\",\"time\":\"", stream == LOG_STDOUT ? "stdout" : "stderr");
  n += nano_timestamp(line + n);
  n += (size_t)sprintf(line + n, "\"}\n");
  if (log->max_size > 0 && log->size > 0 && log->size + (long long)n > log->max_size) rotate(log);
  if (write(log->fd, line, n) < 0) complain("write %s: %m", log->file);
  log->size += (long long)n;
}

void json_log_write(struct json_log *log, enum log_stream stream, const char *data, size_t len) {
  char *partial = log->partial[stream];
  size_t *held = &log->partial_len[stream];
  for (size_t i = 0; i < len; i++) {
    partial[(*held)++] = data[i];
    if (data[i] == '\n' || *held == MAX_LINE) {
      entry(log, stream, partial, *held);
      *held = 0;
    }
  }
}

void json_log_flush(struct json_log *log) {
  for (int stream = LOG_STDOUT; stream <= LOG_STDERR; stream++) {
    if (log->partial_len[stream]) entry(log, (enum log_stream)stream, log->partial[stream], log->partial_len[stream]);
    log->partial_len[stream] = 0;
  }
}

void json_log_close(struct json_log *log) {
  json_log_flush(log);
  close(log->fd);
  free(log);
}
