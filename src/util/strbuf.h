/* strbuf.h — a growable, always NUL-terminated text buffer.
 *
 * Used wherever cubie assembles text: generated kernel source, messages,
 * provenance. It owns its memory; it never formats anything it was not asked
 * to and never truncates silently (an allocation failure is reported).
 */
#ifndef CUBIE_STRBUF_H
#define CUBIE_STRBUF_H

#include <stddef.h>

typedef struct cubie_strbuf {
  char *data;      /* NUL-terminated; never NULL after init */
  size_t length;   /* bytes before the terminator */
  size_t capacity;
} cubie_strbuf;

int cubie_strbuf_init(cubie_strbuf *sb);
void cubie_strbuf_free(cubie_strbuf *sb);
int cubie_strbuf_append(cubie_strbuf *sb, const char *text);
int cubie_strbuf_append_n(cubie_strbuf *sb, const char *text, size_t n);
int cubie_strbuf_printf(cubie_strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A byte count for people: "512 B", "7.8 MiB" (binary prefixes up to PiB). */
void cubie_format_bytes(double bytes, char *text, size_t size);

/* Hand the text to the caller (who frees it) and reset the buffer. */
char *cubie_strbuf_release(cubie_strbuf *sb);

#endif
