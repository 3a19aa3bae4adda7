/* mpi_call.h — turning a failed MPI call into a cubie error.
 *
 * The mpi/ modules check every MPI return code through this one macro so an
 * MPI failure (with an error handler that returns) becomes CUBIE_ERR_MPI
 * with MPI's own text, like every other cubie error, and ranks agree on
 * errors through cubie_mpi_agree before the next collective. It only
 * converts and agrees; it never prints or aborts.
 */
#ifndef CUBIE_MPI_CALL_H
#define CUBIE_MPI_CALL_H

#include <mpi.h>

#include "util/error.h"

/* Collective over `comm`: agree on an error so no rank is left waiting in
 * a later collective. Returns CUBIE_OK on every rank when every rc is 0;
 * otherwise the lowest failing rank's code on every rank: failing ranks
 * keep their own message, the others get that rank's message prefixed
 * with "rank N: ". */
int cubie_mpi_agree(MPI_Comm comm, int rc);

/* Raise CUBIE_ERR_MPI naming `what` and MPI's error string. */
int cubie_mpi_error(int mpi_rc, const char *what, const char *file, int line, const char *func);

/* The error of a failed MPI call whose code the caller keeps (cleanup first). */
#define CUBIE_MPI_ERROR(mpi_rc, what) \
  cubie_mpi_error((mpi_rc), (what), __FILE__, __LINE__, __func__)

#define CUBIE_MPI_CALL(expr)                                                      \
  do {                                                                            \
    int cubie_mpi_rc_ = (expr);                                                   \
    if (cubie_mpi_rc_ != MPI_SUCCESS)                                             \
      return cubie_mpi_error(cubie_mpi_rc_, #expr, __FILE__, __LINE__, __func__); \
  } while (0)

/* The same check where a failure must not skip what follows (the next
 * collective, cleanup): the first error is kept in `rc`, later ones are
 * dropped. */
#define CUBIE_MPI_CALL_KEEP(rc, expr)                                                  \
  do {                                                                                 \
    int cubie_mpi_rc_ = (expr);                                                        \
    if (cubie_mpi_rc_ != MPI_SUCCESS && (rc) == CUBIE_OK)                              \
      (rc) = cubie_mpi_error(cubie_mpi_rc_, #expr, __FILE__, __LINE__, __func__);      \
  } while (0)

#endif
