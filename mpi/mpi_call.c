/* mpi_call.c — MPI failures as cubie errors (see mpi_call.h). */
#include "mpi/mpi_call.h"

#include <limits.h>
#include <stdio.h>

int cubie_mpi_error(int mpi_rc, const char *what, const char *file, int line, const char *func) {
  char text[MPI_MAX_ERROR_STRING] = "";
  int len = 0;
  if (MPI_Error_string(mpi_rc, text, &len) != MPI_SUCCESS) text[0] = '\0';
  return cubie_error_raise(CUBIE_ERR_MPI, file, line, func, "%s failed: %s", what,
                           text[0] ? text : "unknown MPI error");
}

int cubie_mpi_agree(MPI_Comm comm, int rc) {
  int rank;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  int mine = rc ? rank : INT_MAX, first = INT_MAX;
  CUBIE_MPI_CALL(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm));
  if (first == INT_MAX) return CUBIE_OK;
  int code = rc;
  CUBIE_MPI_CALL(MPI_Bcast(&code, 1, MPI_INT, first, comm));
  char message[4096] = "";
  if (rank == first) snprintf(message, sizeof message, "%s", cubie_error_message());
  CUBIE_MPI_CALL(MPI_Bcast(message, (int)sizeof message, MPI_CHAR, first, comm));
  if (rc) return rc;
  return cubie_error_raise((cubie_err)code, __FILE__, __LINE__, __func__, "rank %d: %s", first,
                           message);
}
