/* Signals: with no signal every rank agrees to go on; after the last rank
 * raises SIGUSR1 on itself (only that rank's flag is set), every rank sees
 * stop = SIGUSR1 at the next agreement; SIGTERM likewise; the error it
 * becomes is CUBIE_ERR_INTERRUPTED, exit status 3, and says --resume; a
 * pipelined loop's stop point is item k + depth for a stop agreed after
 * item k, the same on every rank, and later agreements keep it. */
#include <signal.h>

#include "check.h"
#include "mpi/signals.h"

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  CHECK_OK(cubie_signals_install());

  int stop = -1;
  CHECK_OK(cubie_signals_agree_stop(MPI_COMM_WORLD, &stop));
  CHECK_INT(stop, 0);
  CHECK_INT(cubie_signals_caught(), 0);

  /* The process survives the signal (the handler only sets the flag). */
  if (rank == n - 1) raise(SIGUSR1);
  CHECK_INT(cubie_signals_caught(), rank == n - 1 ? SIGUSR1 : 0);
  CHECK_OK(cubie_signals_agree_stop(MPI_COMM_WORLD, &stop));
  CHECK_INT(stop, SIGUSR1);
  /* The flag stays set until cleared: every later agreement says stop too. */
  CHECK_OK(cubie_signals_agree_stop(MPI_COMM_WORLD, &stop));
  CHECK_INT(stop, SIGUSR1);

  cubie_signals_clear();
  CHECK_OK(cubie_signals_agree_stop(MPI_COMM_WORLD, &stop));
  CHECK_INT(stop, 0);
  if (rank == 0) raise(SIGTERM);
  CHECK_OK(cubie_signals_agree_stop(MPI_COMM_WORLD, &stop));
  CHECK_INT(stop, SIGTERM);

  int rc = cubie_signals_interrupted(stop, 5, 12, "sweep.nc");
  CHECK_INT(rc, CUBIE_ERR_INTERRUPTED);
  CHECK_INT(cubie_error_exit_status((cubie_err)rc), CUBIE_EXIT_INTERRUPTED);
  CHECK_INT(CUBIE_EXIT_INTERRUPTED, 3);
  CHECK_CONTAINS(cubie_error_message(), "stopped by SIGTERM");
  CHECK_CONTAINS(cubie_error_message(), "--resume");
  CHECK_CONTAINS(cubie_error_message(), "after 5 of 12 runs");
  CHECK_CONTAINS(cubie_error_message(), "sweep.nc is resumable");

  /* Stop point of a double-buffered loop: no stop for items 0..3; the
   * last rank catches SIGUSR1 while item 4 is written -> last item 5. */
  cubie_signals_clear();
  cubie_stop_point point;
  cubie_stop_point_init(&point);
  CHECK(point.last_item == CUBIE_NO_STOP && point.signal == 0);
  for (long long item = 0; item < 8; item++) {
    if (item == 4 && rank == n - 1) raise(SIGUSR1);
    /* The same collective carries other values to agree on (MAX). */
    long long values[2] = {rank * 10 + item, -rank};
    CHECK_OK(cubie_signals_agree_after_item(MPI_COMM_WORLD, item, 1, &point, values, 2));
    CHECK_INT(values[0], (n - 1) * 10 + item);
    CHECK_INT(values[1], 0);
    if (item < 4) CHECK(point.last_item == CUBIE_NO_STOP);
  }
  CHECK_INT(point.last_item, 5);
  CHECK_INT(point.signal, SIGUSR1);
  /* Compute and write in turns (depth 0): the item just written is the last. */
  cubie_stop_point turns;
  cubie_stop_point_init(&turns);
  CHECK_OK(cubie_signals_agree_after_item(MPI_COMM_WORLD, 9, 0, &turns, NULL, 0));
  CHECK_INT(turns.last_item, 9);

  cubie_signals_clear();
  cubie_signals_restore();
  MPI_Finalize();
  CHECK_DONE();
}
