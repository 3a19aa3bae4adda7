/* binding.h — which device each rank uses, how many ranks share its
 * memory, and a record of it.
 *
 * The node-local rank comes from MPI_Comm_split_type(MPI_COMM_TYPE_SHARED);
 * a rank uses device local_rank % visible_devices, so when the scheduler
 * gives each task its own device list (one device visible per task) every
 * rank takes device 0, and with all of a node's devices visible the ranks
 * of a node spread over them. What the backend sees (how many devices,
 * which environment variable lists them and its value) is an argument, so
 * this works and is testable without a device (0 devices: the ranks run on
 * their hosts). Every rank's record (host, node, local rank, device, the
 * device list) is gathered on rank 0 for the log and the output file.
 *
 * Ranks that share one physical device are counted here and nowhere else:
 * rank 0 groups the records, warns when two ranks of a node land on one
 * device, and hands every rank the number of ranks drawing on its memory
 * (the chunk plan divides the memory budget by it). This module selects
 * nothing itself: it never asks a backend, never prints, and never changes
 * the environment.
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
  char visible_devices[CUBIE_BINDING_TEXT]; /* the device list variable's value; "" when
                                               unset or the backend has none */
  char physical[CUBIE_BINDING_TEXT];        /* the device's entry in the visible list,
                                               or its ordinal when the list is unset */
  int memory_sharers; /* ranks of this node drawing on this rank's memory (itself
                         included): those on the same physical device, or, with no
                         device, all of the node's ranks (the host's memory) */
} cubie_rank_binding;

/* What this rank's backend sees; the caller asks the backend. */
typedef struct cubie_device_view {
  int n_devices;            /* devices this rank sees; 0: none (device = -1) */
  const char *variable;     /* the environment variable that lists them; NULL: none */
  const char *visible;      /* its value; NULL when unset (or no variable) */
} cubie_device_view;

typedef struct cubie_binding {
  cubie_rank_binding self;   /* this rank: pass self.device to the backend */
  int n_ranks;               /* rank 0: length of `ranks`; 0 elsewhere */
  cubie_rank_binding *ranks; /* rank 0: every rank's record, in rank order */
  int shared_devices;        /* rank 0: physical devices used by more than one rank */
  char warning[2048];        /* rank 0: "" or which ranks share which device */
  char variable[64];         /* the device list variable's name; "" when none */
} cubie_binding;

/* Collective over `comm`; `view` is what this rank's backend sees (passed
 * in so tests can vary it). */
int cubie_binding_create(MPI_Comm comm, const cubie_device_view *view, cubie_binding *binding);

/* The same with the node grouping given: `node` holds exactly the ranks of
 * `comm` that share this rank's node. cubie_binding_create passes the
 * MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) split; tests pass their own to
 * simulate several nodes on one machine. */
int cubie_binding_create_on_nodes(MPI_Comm comm, MPI_Comm node, const cubie_device_view *view,
                                  cubie_binding *binding);

/* Rank 0: append one line per rank ("rank node host local device" and the
 * device list variable) to `text`, then the warning if there is one. */
int cubie_binding_format(const cubie_binding *binding, cubie_strbuf *text);

void cubie_binding_free(cubie_binding *binding);

#endif
