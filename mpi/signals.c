/* signals.c — signal flag and agreement (see signals.h). */
#include "mpi/signals.h"

#include <signal.h>
#include <string.h>

#include "util/error.h"
#include "mpi/mpi_call.h"

static volatile sig_atomic_t caught_signal = 0;
static struct sigaction previous_term, previous_usr1;
static int installed = 0;

static void on_signal(int signum) { caught_signal = signum; }

int cubie_signals_install(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  caught_signal = 0;
  CUBIE_CHECK(sigaction(SIGTERM, &sa, &previous_term) == 0, CUBIE_ERR_INTERNAL,
              "cannot install the SIGTERM handler");
  if (sigaction(SIGUSR1, &sa, &previous_usr1) != 0) {
    sigaction(SIGTERM, &previous_term, NULL);
    return CUBIE_RAISE(CUBIE_ERR_INTERNAL, "cannot install the SIGUSR1 handler");
  }
  installed = 1;
  return CUBIE_OK;
}

void cubie_signals_restore(void) {
  if (!installed) return;
  sigaction(SIGTERM, &previous_term, NULL);
  sigaction(SIGUSR1, &previous_usr1, NULL);
  installed = 0;
}

int cubie_signals_caught(void) { return (int)caught_signal; }

void cubie_signals_clear(void) { caught_signal = 0; }

int cubie_signals_agree_stop(MPI_Comm comm, int *stop_signal) {
  int mine = (int)caught_signal;
  *stop_signal = 0;
  CUBIE_MPI_CALL(MPI_Allreduce(&mine, stop_signal, 1, MPI_INT, MPI_MAX, comm));
  return CUBIE_OK;
}

void cubie_stop_point_init(cubie_stop_point *stop) {
  stop->last_item = CUBIE_NO_STOP;
  stop->signal = 0;
}

#define MAX_AGREED_VALUES 4

int cubie_signals_agree_after_item(MPI_Comm comm, long long item, int depth,
                                   cubie_stop_point *stop, long long *values, int n) {
  CUBIE_CHECK(n >= 0 && n <= MAX_AGREED_VALUES, CUBIE_ERR_INTERNAL, "%d values to agree on", n);
  long long mine[1 + MAX_AGREED_VALUES], most[1 + MAX_AGREED_VALUES];
  mine[0] = (long long)caught_signal;
  for (int i = 0; i < n; i++) mine[1 + i] = values[i];
  CUBIE_MPI_CALL(MPI_Allreduce(mine, most, 1 + n, MPI_LONG_LONG, MPI_MAX, comm));
  for (int i = 0; i < n; i++) values[i] = most[1 + i];
  int signum = (int)most[0];
  if (signum && stop->last_item == CUBIE_NO_STOP) {
    stop->last_item = item + (depth > 0 ? depth : 0);
    stop->signal = signum;
  }
  return CUBIE_OK;
}

int cubie_signals_interrupted(int signum, long long written, long long total, const char *file) {
  const char *name = signum == SIGTERM ? "SIGTERM" : signum == SIGUSR1 ? "SIGUSR1" : "a signal";
  return CUBIE_RAISE(CUBIE_ERR_INTERRUPTED,
                     "stopped by %s after %lld of %lld runs were written; %s is resumable: "
                     "run the same command with --resume",
                     name, written, total, file);
}
