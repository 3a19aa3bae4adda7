/* error.c — thread-local record of the last raised error. */
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char error_message[sizeof ((cubie_error_record *)0)->message];
static _Thread_local char error_origin[sizeof ((cubie_error_record *)0)->origin];
static _Thread_local cubie_err error_code = CUBIE_OK;

int cubie_error_raisev(cubie_err code, const char *file, int line, const char *func,
                       const char *fmt, va_list ap) {
  vsnprintf(error_message, sizeof error_message, fmt, ap);
  const char *base = strrchr(file, '/');
  snprintf(error_origin, sizeof error_origin, "%s:%d (%s)", base ? base + 1 : file, line,
           func);
  error_code = code;
  return (int)code;
}

int cubie_error_raise(cubie_err code, const char *file, int line, const char *func,
                      const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cubie_error_raisev(code, file, line, func, fmt, ap);
  va_end(ap);
  return (int)code;
}

int cubie_error_prefix(const char *fmt, ...) {
  char prefix[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  /* Shift the message right by the prefix (truncating its tail if the whole
   * would not fit) and copy the prefix in front. */
  size_t plen = strlen(prefix), mlen = strlen(error_message);
  if (plen >= sizeof error_message) plen = sizeof error_message - 1;
  if (plen + mlen >= sizeof error_message) mlen = sizeof error_message - 1 - plen;
  memmove(error_message + plen, error_message, mlen);
  memcpy(error_message, prefix, plen);
  error_message[plen + mlen] = '\0';
  return (int)error_code;
}

const char *cubie_error_message(void) { return error_message; }
const char *cubie_error_origin(void) { return error_origin; }

void cubie_error_save(cubie_error_record *record) {
  record->code = error_code;
  memcpy(record->message, error_message, sizeof record->message);
  memcpy(record->origin, error_origin, sizeof record->origin);
}

int cubie_error_restore(const cubie_error_record *record) {
  error_code = record->code;
  memcpy(error_message, record->message, sizeof error_message);
  memcpy(error_origin, record->origin, sizeof error_origin);
  return (int)error_code;
}

void cubie_error_clear(void) {
  error_message[0] = '\0';
  error_origin[0] = '\0';
  error_code = CUBIE_OK;
}

const char *cubie_error_name(cubie_err code) {
  switch (code) {
    case CUBIE_OK: return "ok";
    case CUBIE_ERR_INPUT: return "bad input";
    case CUBIE_ERR_IO: return "i/o error";
    case CUBIE_ERR_COMPILE: return "compile error";
    case CUBIE_ERR_BACKEND: return "backend error";
    case CUBIE_ERR_UNAVAILABLE: return "not available";
    case CUBIE_ERR_MPI: return "MPI error";
    case CUBIE_ERR_NETCDF: return "NetCDF error";
    case CUBIE_ERR_MEMORY: return "out of memory";
    case CUBIE_ERR_INTERRUPTED: return "interrupted";
    case CUBIE_ERR_INTERNAL: return "internal error";
  }
  return "unknown error";
}

int cubie_error_exit_status(cubie_err code) {
  switch (code) {
    case CUBIE_OK: return CUBIE_EXIT_SUCCESS;
    case CUBIE_ERR_INPUT: return CUBIE_EXIT_BAD_INPUT;
    case CUBIE_ERR_INTERRUPTED: return CUBIE_EXIT_INTERRUPTED;
    default: return CUBIE_EXIT_FAILURE;
  }
}
