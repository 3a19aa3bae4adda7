/* strbuf.c — growable text buffer. */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

static int strbuf_reserve(cubie_strbuf *sb, size_t extra) {
  return CUBIE_GROW(sb->data, sb->length + extra + 1, sb->capacity, "a text buffer");
}

int cubie_strbuf_init(cubie_strbuf *sb) {
  sb->data = NULL;
  sb->length = 0;
  sb->capacity = 0;
  CUBIE_CALL(strbuf_reserve(sb, 0));
  sb->data[0] = '\0';
  return CUBIE_OK;
}

void cubie_strbuf_free(cubie_strbuf *sb) {
  free(sb->data);
  sb->data = NULL;
  sb->length = sb->capacity = 0;
}

int cubie_strbuf_append_n(cubie_strbuf *sb, const char *text, size_t n) {
  CUBIE_CALL(strbuf_reserve(sb, n));
  memcpy(sb->data + sb->length, text, n);
  sb->length += n;
  sb->data[sb->length] = '\0';
  return CUBIE_OK;
}

int cubie_strbuf_append(cubie_strbuf *sb, const char *text) {
  return cubie_strbuf_append_n(sb, text, strlen(text));
}

int cubie_strbuf_printf(cubie_strbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  CUBIE_CHECK(n >= 0, CUBIE_ERR_INTERNAL, "bad format string '%s'", fmt);
  CUBIE_CALL(strbuf_reserve(sb, (size_t)n));
  va_start(ap, fmt);
  vsnprintf(sb->data + sb->length, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb->length += (size_t)n;
  return CUBIE_OK;
}

char *cubie_strbuf_release(cubie_strbuf *sb) {
  char *text = sb->data;
  sb->data = NULL;
  sb->length = sb->capacity = 0;
  return text;
}

void cubie_format_bytes(double bytes, char *text, size_t size) {
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 5) {
    bytes /= 1024.0;
    u++;
  }
  snprintf(text, size, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
}
