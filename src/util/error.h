/* error.h — the one way cubie raises and propagates errors.
 *
 * Every public function returns a cubie_err (CUBIE_OK on success). A function
 * that detects a problem raises it with CUBIE_RAISE / CUBIE_CHECK, which
 * records a user-facing message (thread-local) and where in the code it was
 * raised; callers propagate the code unchanged with CUBIE_CALL. Messages about
 * bad input name the deck file, line and column ("deck.yaml:12:18: ...") and
 * suggest a fix where one is likely. This module never prints and never
 * exits: only the command-line front end decides what the user sees.
 */
#ifndef CUBIE_ERROR_H
#define CUBIE_ERROR_H

#include <stdarg.h>

/* The codes (cubie_err: CUBIE_OK, CUBIE_ERR_INPUT, ...) are public:
 * include/cubie/cubie.h is their one list. */
#include "cubie/cubie.h"

/* Process exit statuses of the `cubie` command. */
enum {
  CUBIE_EXIT_SUCCESS = 0,
  CUBIE_EXIT_FAILURE = 1,     /* run-time failure */
  CUBIE_EXIT_BAD_INPUT = 2,   /* the user's input is wrong; nothing was run */
  CUBIE_EXIT_INTERRUPTED = 3  /* stopped by SIGTERM/SIGUSR1; the file is resumable */
};

/* Record an error and return its code. Prefer the macros below. */
int cubie_error_raise(cubie_err code, const char *file, int line, const char *func,
                      const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int cubie_error_raisev(cubie_err code, const char *file, int line, const char *func,
                       const char *fmt, va_list ap);

/* Prepend context to the current message ("while writing lorenz.nc: ...")
 * and return the current code unchanged. */
int cubie_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

const char *cubie_error_message(void); /* "" when no error is recorded */
const char *cubie_error_origin(void);  /* "file.c:123 (function)" of the raise */
void cubie_error_clear(void);
const char *cubie_error_name(cubie_err code);
int cubie_error_exit_status(cubie_err code);

#define CUBIE_RAISE(code, ...) cubie_error_raise((code), __FILE__, __LINE__, __func__, __VA_ARGS__)

/* Raise `code` with a message unless `cond` holds. */
#define CUBIE_CHECK(cond, code, ...)         \
  do {                                       \
    if (!(cond)) return CUBIE_RAISE((code), __VA_ARGS__); \
  } while (0)

/* Propagate a failing call's code to our caller. */
#define CUBIE_CALL(expr)                     \
  do {                                       \
    int cubie_call_rc_ = (expr);             \
    if (cubie_call_rc_) return cubie_call_rc_; \
  } while (0)

/* Propagate into a cleanup label: `rc` receives the code. */
#define CUBIE_CALL_GOTO(rc, expr, label)     \
  do {                                       \
    (rc) = (expr);                           \
    if (rc) goto label;                      \
  } while (0)

#endif
