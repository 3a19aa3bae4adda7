/* binding.c — rank to device binding and its record (see binding.h). */
#include "mpi/binding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "mpi/mpi_call.h"

/* Entry `index` of a comma-separated device list, trimmed; "" if absent. */
static void list_entry(const char *list, int index, char *out, size_t size) {
  out[0] = '\0';
  const char *p = list;
  for (int i = 0; i < index && p; i++) {
    p = strchr(p, ',');
    if (p) p++;
  }
  if (!p) return;
  while (*p == ' ' || *p == '\t') p++;
  size_t n = strcspn(p, ",");
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
  if (n >= size) n = size - 1;
  memcpy(out, p, n);
  out[n] = '\0';
}

static void fill_self(cubie_rank_binding *self, int rank, int node_rank, int node_size,
                      const cubie_device_view *view) {
  int n_devices = view->n_devices;
  const char *visible = view->variable ? view->visible : NULL;
  memset(self, 0, sizeof *self);
  self->rank = rank;
  self->local_rank = node_rank;
  self->local_size = node_size;
  self->n_devices = n_devices > 0 ? n_devices : 0;
  self->device = n_devices > 0 ? node_rank % n_devices : -1;
  char name[MPI_MAX_PROCESSOR_NAME] = "";
  int len = 0;
  if (MPI_Get_processor_name(name, &len) != MPI_SUCCESS) snprintf(name, sizeof name, "unknown");
  snprintf(self->host, sizeof self->host, "%s", name);
  snprintf(self->visible_devices, sizeof self->visible_devices, "%s", visible ? visible : "");
  if (self->device < 0) return;
  /* Two ranks are on one physical device when they name the same entry of
   * their visible lists; with no list, ordinals are physical. */
  if (visible) list_entry(visible, self->device, self->physical, sizeof self->physical);
  if (!self->physical[0]) snprintf(self->physical, sizeof self->physical, "%d", self->device);
}

typedef struct device_key {
  const cubie_rank_binding *b;
} device_key;

/* Ranks on no device group by node alone: their physical name is "". */
static int by_node_then_device(const void *x, const void *y) {
  const cubie_rank_binding *a = ((const device_key *)x)->b, *b = ((const device_key *)y)->b;
  if (a->node != b->node) return a->node < b->node ? -1 : 1;
  int c = strcmp(a->physical, b->physical);
  if (c) return c;
  return (a->rank > b->rank) - (a->rank < b->rank);
}

/* Root: "<host>: device D is shared by ranks a, b; " for one group. */
static void warn_group(cubie_binding *b, device_key *group, int n) {
  char ranks[160] = "";
  for (int k = 0; k < n; k++) {
    size_t used = strlen(ranks);
    if (used + 16 >= sizeof ranks) {
      snprintf(ranks + used, sizeof ranks - used, ", ...");
      break;
    }
    snprintf(ranks + used, sizeof ranks - used, "%s%d", k ? ", " : "", group[k].b->rank);
  }
  size_t used = strlen(b->warning);
  snprintf(b->warning + used, sizeof b->warning - used, "%s: device %s is shared by ranks %s; ",
           group[0].b->host, group[0].b->physical, ranks);
}

/* Root: the one count of ranks sharing a memory. Groups every rank by node
 * and physical device (ranks on no device: by node), gives each record its
 * group's size, and warns about devices used by more than one rank. */
static int count_sharing(cubie_binding *b) {
  int n = b->n_ranks;
  device_key *keys = malloc(sizeof *keys * (size_t)(n ? n : 1));
  CUBIE_CHECK(keys, CUBIE_ERR_MEMORY, "out of memory checking the device binding");
  for (int r = 0; r < n; r++) keys[r].b = &b->ranks[r];
  qsort(keys, (size_t)n, sizeof *keys, by_node_then_device);
  int listed = 0;
  for (int i = 0; i < n;) {
    int j = i + 1;
    while (j < n && keys[j].b->node == keys[i].b->node &&
           strcmp(keys[j].b->physical, keys[i].b->physical) == 0)
      j++;
    for (int k = i; k < j; k++) b->ranks[keys[k].b->rank].memory_sharers = j - i;
    if (j - i > 1 && keys[i].b->device >= 0) {
      b->shared_devices++;
      if (listed++ < 4) warn_group(b, keys + i, j - i);
    }
    i = j;
  }
  free(keys);
  if (b->shared_devices == 0) return CUBIE_OK;
  size_t used = strlen(b->warning);
  snprintf(b->warning + used, sizeof b->warning - used,
           "%d device%s shared in all; ranks on one device compete for it (use one rank per "
           "device: srun --gpus-per-task=1, or fewer ranks per node)",
           b->shared_devices, b->shared_devices == 1 ? "" : "s");
  return CUBIE_OK;
}

/* Root counts, every rank receives its own record's count. */
static int share_counts(MPI_Comm comm, int rank, cubie_binding *b) {
  int *counts = NULL, rc = CUBIE_OK;
  if (rank == 0) {
    rc = count_sharing(b);
    counts = malloc(sizeof *counts * (size_t)b->n_ranks);
    if (!rc && !counts) rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory sharing device counts");
    for (int r = 0; !rc && r < b->n_ranks; r++) counts[r] = b->ranks[r].memory_sharers;
  }
  rc = cubie_mpi_agree(comm, rc);
  if (!rc) {
    int mpi_rc = MPI_Scatter(counts, 1, MPI_INT, &b->self.memory_sharers, 1, MPI_INT, 0, comm);
    if (mpi_rc != MPI_SUCCESS) rc = CUBIE_MPI_ERROR(mpi_rc, "MPI_Scatter(memory sharers)");
  }
  free(counts);
  return rc;
}

int cubie_binding_create_on_nodes(MPI_Comm comm, MPI_Comm node, const cubie_device_view *view,
                                  cubie_binding *b) {
  memset(b, 0, sizeof *b);
  if (view->variable) snprintf(b->variable, sizeof b->variable, "%s", view->variable);
  int rank, n_ranks, node_rank, node_size;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  CUBIE_MPI_CALL(MPI_Comm_size(comm, &n_ranks));
  CUBIE_MPI_CALL(MPI_Comm_rank(node, &node_rank));
  CUBIE_MPI_CALL(MPI_Comm_size(node, &node_size));
  fill_self(&b->self, rank, node_rank, node_size, view);

  /* Node index: the rank of this node's leader among all leaders (leaders
   * ordered by their rank in comm), passed to the rest of the node. */
  MPI_Comm leaders = MPI_COMM_NULL;
  CUBIE_MPI_CALL(MPI_Comm_split(comm, node_rank == 0 ? 0 : MPI_UNDEFINED, rank, &leaders));
  int node_index = 0;
  if (leaders != MPI_COMM_NULL) {
    CUBIE_MPI_CALL(MPI_Comm_rank(leaders, &node_index));
    CUBIE_MPI_CALL(MPI_Comm_free(&leaders));
  }
  CUBIE_MPI_CALL(MPI_Bcast(&node_index, 1, MPI_INT, 0, node));
  b->self.node = node_index;

  int rc = CUBIE_OK;
  if (rank == 0) {
    b->ranks = calloc((size_t)n_ranks, sizeof *b->ranks);
    if (!b->ranks)
      rc = CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory gathering %d bindings", n_ranks);
  }
  rc = cubie_mpi_agree(comm, rc);
  if (rc) return rc;
  /* The record is ints and chars only: as bytes it is the same on every
   * rank of a homogeneous job. */
  CUBIE_MPI_CALL(MPI_Gather(&b->self, (int)sizeof b->self, MPI_BYTE, b->ranks, (int)sizeof b->self,
                            MPI_BYTE, 0, comm));
  if (rank == 0) b->n_ranks = n_ranks;
  return share_counts(comm, rank, b);
}

int cubie_binding_create(MPI_Comm comm, const cubie_device_view *view, cubie_binding *b) {
  MPI_Comm node = MPI_COMM_NULL;
  int rank;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  CUBIE_MPI_CALL(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node));
  int rc = cubie_binding_create_on_nodes(comm, node, view, b);
  MPI_Comm_free(&node);
  return rc;
}

int cubie_binding_format(const cubie_binding *b, cubie_strbuf *text) {
  CUBIE_CHECK(b->n_ranks > 0, CUBIE_ERR_INTERNAL,
              "binding table without ranks (format it on rank 0)");
  CUBIE_CALL(cubie_strbuf_printf(text, "%6s %5s %-24s %5s %6s  %s\n", "rank", "node", "host",
                                 "local", "device", b->variable[0] ? b->variable : "devices"));
  for (int r = 0; r < b->n_ranks; r++) {
    const cubie_rank_binding *x = &b->ranks[r];
    char device[16];
    if (x->device < 0)
      snprintf(device, sizeof device, "cpu");
    else
      snprintf(device, sizeof device, "%d", x->device);
    CUBIE_CALL(cubie_strbuf_printf(text, "%6d %5d %-24s %5d %6s  %s\n", x->rank, x->node, x->host,
                                   x->local_rank, device,
                                   !b->variable[0]          ? "-"
                                   : x->visible_devices[0] ? x->visible_devices
                                                           : "(unset)"));
  }
  if (b->warning[0]) CUBIE_CALL(cubie_strbuf_printf(text, "warning: %s\n", b->warning));
  return CUBIE_OK;
}

void cubie_binding_free(cubie_binding *b) {
  free(b->ranks);
  memset(b, 0, sizeof *b);
}
