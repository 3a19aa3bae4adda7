/* cubie_mpi.h — running a cubie problem on the caller's MPI communicator
 * (docs/api.md). For programs that use MPI themselves; needs mpi.h (the
 * MPI cubie was built with: pkg-config cubie and find_package(cubie) give
 * its include path).
 */
#ifndef CUBIE_PUBLIC_MPI_H
#define CUBIE_PUBLIC_MPI_H

#include <mpi.h>

#include "cubie/cubie.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cubie_problem_run on `comm`: collective over it; every rank of `comm`
 * computes a share of the runs and writes it into the one file. MPI must be
 * initialised (MPI_THREAD_SERIALIZED or more lets cubie overlap computing
 * and writing; with less, it computes and writes in turn). In-memory
 * results land on rank 0 of `comm`. */
CUBIE_API int cubie_problem_run_on(cubie_problem *problem, MPI_Comm comm, unsigned flags,
                                   cubie_results **results);

#ifdef __cplusplus
}
#endif

#endif
