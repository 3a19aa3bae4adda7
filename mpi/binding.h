/* binding.h — which device each rank uses, and a record of it.
 *
 * The node-local rank comes from MPI_Comm_split_type(MPI_COMM_TYPE_SHARED);
 * a rank uses device local_rank % visible_devices, so under Slurm's
 * per-task CUDA_VISIBLE_DEVICES (one device visible per task) every rank
 * takes device 0, and with all of a node's devices visible the ranks of a
 * node spread over them. The device count is an argument (the CUDA backend
 * counts devices; 0 means the cpu backend), so this works and is testable
 * without a GPU. Every rank's record (host, node, local rank, device,
 * CUDA_VISIBLE_DEVICES) is gathered on rank 0 for the log and the output
 * file, with a warning when two ranks of a node land on one physical
 * device. This module selects nothing itself: it never calls CUDA, never
 * prints, and never changes the environment.
 */
#ifndef CUBIE_BINDING_H
#define CUBIE_BINDING_H

#include <mpi.h>

#include "util/strbuf.h"

#define CUBIE_BINDING_TEXT 128

typedef struct cubie_rank_binding {
  int rank;
  int node;                      /* nodes numbered 0.. in the order of their lowest rank */
  int local_rank;                /* rank among the ranks of this node */
  int local_size;                /* ranks on this node */
  int n_devices;                 /* devices this rank sees */
  int device;                    /* ordinal among them: local_rank % n_devices; -1 = none (cpu) */
  char host[CUBIE_BINDING_TEXT]; /* MPI_Get_processor_name, truncated */
  char visible_devices[CUBIE_BINDING_TEXT]; /* CUDA_VISIBLE_DEVICES; "" when unset */
  char physical[CUBIE_BINDING_TEXT];        /* the device's entry in the visible list,
                                               or its ordinal when the list is unset */
} cubie_rank_binding;

typedef struct cubie_binding {
  cubie_rank_binding self;   /* this rank: pass self.device to the backend */
  int n_ranks;               /* rank 0: length of `ranks`; 0 elsewhere */
  cubie_rank_binding *ranks; /* rank 0: every rank's record, in rank order */
  int shared_devices;        /* rank 0: physical devices used by more than one rank */
  char warning[2048];        /* rank 0: "" or which ranks share which device */
} cubie_binding;

/* Collective over `comm`. `n_devices` is the number of devices this rank
 * sees (0: cpu backend, device = -1); `visible_devices` is the value of
 * CUDA_VISIBLE_DEVICES (NULL when unset), passed in so tests can vary it. */
int cubie_binding_create(MPI_Comm comm, int n_devices, const char *visible_devices,
                         cubie_binding *binding);

/* The same with the node grouping given: `node` holds exactly the ranks of
 * `comm` that share this rank's node. cubie_binding_create passes the
 * MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) split; tests pass their own to
 * simulate several nodes on one machine. */
int cubie_binding_create_on_nodes(MPI_Comm comm, MPI_Comm node, int n_devices,
                                  const char *visible_devices, cubie_binding *binding);

/* Rank 0: append one line per rank ("rank node host local device
 * CUDA_VISIBLE_DEVICES") to `text`, then the warning if there is one. */
int cubie_binding_format(const cubie_binding *binding, cubie_strbuf *text);

void cubie_binding_free(cubie_binding *binding);

#endif
