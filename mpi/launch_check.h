/* launch_check.h — did the launcher start the ranks MPI sees?
 *
 * srun without MPI support for the library cubie was built with (a
 * cluster whose MpiDefault is none, and no --mpi=pmix) starts every task
 * as its own one-rank MPI job: N copies would each compute every run and
 * write the same file. This module compares the task count the launcher
 * announces (SLURM_STEP_NUM_TASKS) with the size of MPI_COMM_WORLD and
 * says what to do. It reads the environment and asks MPI for the size;
 * it never prints and never exits.
 */
#ifndef CUBIE_LAUNCH_CHECK_H
#define CUBIE_LAUNCH_CHECK_H

#include <mpi.h>

/* CUBIE_ERR_INPUT with the fix when srun started more tasks than this
 * rank's MPI world holds; CUBIE_OK otherwise (also outside Slurm and
 * under mpirun, which sets OMPI_COMM_WORLD_SIZE itself). */
int cubie_launch_check(MPI_Comm world);

#endif
