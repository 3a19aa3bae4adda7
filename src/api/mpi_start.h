/* mpi_start.h — starting MPI the way cubie needs it, for the `cubie`
 * command and for the library when its caller has not started MPI.
 *
 * MPI_THREAD_SERIALIZED (the writer thread calls NetCDF/MPI while the main
 * thread computes); a singleton (no mpiexec/srun) gets Open MPI's ob1
 * transport unless the user chose one, since UCX only adds start-up time
 * when there is no peer. Nothing else: no printing, no signal handlers.
 */
#ifndef CUBIE_API_MPI_START_H
#define CUBIE_API_MPI_START_H

/* MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, provided); argc and
 * argv may be NULL. */
int cubie_mpi_start(int *argc, char ***argv, int *provided);

/* The library's own start: nothing when MPI is already running (*started =
 * 0), else cubie_mpi_start and a finalize at exit (*started = 1).
 * CUBIE_ERR_UNAVAILABLE once MPI has been finalised. */
int cubie_mpi_ensure(int *started);

#endif
