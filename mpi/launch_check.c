/* launch_check.c — launcher tasks against MPI ranks (see launch_check.h). */
#include "mpi/launch_check.h"

#include <stdlib.h>

#include "mpi/mpi_call.h"
#include "util/error.h"

int cubie_launch_check(MPI_Comm world) {
  const char *tasks_text = getenv("SLURM_STEP_NUM_TASKS");
  /* mpirun inside an allocation starts its ranks itself; srun's count is
   * then that of its daemons, not of the ranks. */
  if (!tasks_text || getenv("OMPI_COMM_WORLD_SIZE")) return CUBIE_OK;
  char *end = NULL;
  long tasks = strtol(tasks_text, &end, 10);
  if (end == tasks_text || *end != '\0' || tasks <= 1) return CUBIE_OK;
  int size = 0;
  CUBIE_MPI_CALL(MPI_Comm_size(world, &size));
  if (size >= tasks) return CUBIE_OK;
  return CUBIE_RAISE(CUBIE_ERR_INPUT,
                     "srun started %ld tasks but MPI sees %d rank%s: each task would run the whole "
                     "job on its own and write the same file. srun is not passing MPI's start-up "
                     "information here: use srun --mpi=pmix (with slurm/run.sbatch: "
                     "CUBIE_SRUN_OPTIONS=--mpi=pmix; `srun --mpi=list` shows what this cluster "
                     "offers), or ask your site which --mpi value its MPI needs",
                     tasks, size, size == 1 ? "" : "s");
}
