/* compiler_process.h — one run of the host C compiler, kept on a leash.
 *
 * The compiler is started by a small guard process (a fork of cubie that
 * runs nothing but system calls) in a process group of its own, so a
 * terminal's Ctrl-C or a job's SIGTERM reaches cubie and not the compiler
 * behind its back. The guard ends the compiler's whole group (driver, cc1,
 * as, ld) and removes its build directory when asked to (a stop signal, the
 * time limit) and when cubie itself dies, even by SIGKILL (the kernel tells
 * the guard: PR_SET_PDEATHSIG). This module never reads what the compiler
 * wrote and never touches the cache.
 */
#ifndef CUBIE_COMPILER_PROCESS_H
#define CUBIE_COMPILER_PROCESS_H

typedef struct cubie_compiler_job {
  const char *const *argv;  /* argv[0]: the compiler, looked up in $PATH */
  const char *log_path;     /* its stdout and stderr */
  const char *build_dir;    /* removed (one level) if the compile is cut short */
  double timeout;           /* seconds; <= 0: no limit */
  int (*interrupted)(void); /* nonzero: stop now (a signal); NULL: never */
} cubie_compiler_job;

typedef enum cubie_compiler_end {
  CUBIE_COMPILER_EXITED = 0, /* *exit_status is the compiler's (0: success) */
  CUBIE_COMPILER_TIMED_OUT,  /* killed at the time limit */
  CUBIE_COMPILER_STOPPED     /* killed because `interrupted` said so */
} cubie_compiler_end;

/* Run the compiler to its end. CUBIE_ERR_BACKEND when it cannot be started
 * (not found: the message names it). `end` says how it ended. */
int cubie_compiler_run(const cubie_compiler_job *job, cubie_compiler_end *end, int *exit_status);

#endif
