/* Rank -> device binding on however many ranks mpiexec started (the
 * registered runs use 3 ranks on one machine and 1 rank):
 * - 2 devices: local ranks 0,1,2 -> devices 0,1,0; with 3 ranks two share
 *   device 0 and the warning names them;
 * - 1 device: everyone on device 0 (warning with more than one rank);
 * - 0 devices: cpu (-1), never a warning;
 * - per-task CUDA_VISIBLE_DEVICES (each rank sees a different single GPU):
 *   everyone on ordinal 0 but on distinct physical devices: no warning;
 * - two simulated nodes (ranks split by parity): node numbers, local ranks,
 *   and sharing judged per node. */
#include <stdio.h>
#include <string.h>

#include "mpi/binding.h"
#include "check.h"

/* The device list variable of a backend with devices (any name will do:
 * the binding only records and parses it). */
#define VARIABLE "CUDA_VISIBLE_DEVICES"

static cubie_device_view view_of(int n_devices, const char *visible) {
  cubie_device_view v = {.n_devices = n_devices, .variable = VARIABLE, .visible = visible};
  return v;
}

static void check_common(const cubie_binding *b, int rank, int n) {
  CHECK_INT(b->self.rank, rank);
  if (rank != 0) {
    CHECK_INT(b->n_ranks, 0);
    CHECK(b->ranks == NULL);
    return;
  }
  CHECK_INT(b->n_ranks, n);
  for (int r = 0; r < n; r++) {
    CHECK_INT(b->ranks[r].rank, r);
    CHECK(b->ranks[r].host[0] != '\0');
  }
}

static void devices(int n_devices, int rank, int n) {
  cubie_binding b;
  cubie_device_view view = view_of(n_devices, NULL);
  CHECK_OK(cubie_binding_create(MPI_COMM_WORLD, &view, &b));
  check_common(&b, rank, n);
  /* one machine: local rank == rank */
  CHECK_INT(b.self.local_rank, rank);
  CHECK_INT(b.self.local_size, n);
  CHECK_INT(b.self.node, 0);
  CHECK_INT(b.self.device, n_devices > 0 ? rank % n_devices : -1);
  CHECK_STR(b.self.visible_devices, "");
  /* Memory sharers: the ranks on this rank's device (r % n_devices equal),
   * or with no device every rank of the node (the host's memory). */
  int sharers = 0;
  for (int r = 0; r < n; r++) sharers += n_devices == 0 || r % n_devices == rank % n_devices;
  CHECK_INT(b.self.memory_sharers, sharers);
  if (rank == 0)
    for (int r = 0; r < n; r++) {
      int expect = 0;
      for (int q = 0; q < n; q++) expect += n_devices == 0 || q % n_devices == r % n_devices;
      CHECK_INT(b.ranks[r].memory_sharers, expect);
    }
  if (rank == 0) {
    int expect_shared =
        n_devices == 0
            ? 0
            : (n > n_devices ? (n - n_devices < n_devices ? n - n_devices : n_devices) : 0);
    CHECK_INT(b.shared_devices, expect_shared);
    if (expect_shared) {
      CHECK_CONTAINS(b.warning, "device 0 is shared by ranks 0, ");
      CHECK_CONTAINS(b.warning, "one rank per device");
    } else {
      CHECK_STR(b.warning, "");
    }
    if (n == 3 && n_devices == 2) CHECK_CONTAINS(b.warning, "device 0 is shared by ranks 0, 2;");
    cubie_strbuf text;
    cubie_strbuf_init(&text);
    CHECK_OK(cubie_binding_format(&b, &text));
    CHECK_CONTAINS(text.data, "CUDA_VISIBLE_DEVICES");
    CHECK_CONTAINS(text.data, n_devices == 0 ? "cpu" : "(unset)");
    if (expect_shared)
      CHECK_CONTAINS(text.data, "warning: ");
    else
      CHECK(strstr(text.data, "warning") == NULL);
    cubie_strbuf_free(&text);
  }
  cubie_binding_free(&b);
}

static void per_task_visible(int rank, int n) {
  char visible[32];
  snprintf(visible, sizeof visible, "GPU-%d", 7 - rank);
  cubie_binding b;
  cubie_device_view view = view_of(1, visible);
  CHECK_OK(cubie_binding_create(MPI_COMM_WORLD, &view, &b));
  check_common(&b, rank, n);
  CHECK_INT(b.self.device, 0);
  CHECK_STR(b.self.visible_devices, visible);
  CHECK_STR(b.self.physical, visible);
  CHECK_INT(b.self.memory_sharers, 1); /* every rank on a device of its own */
  if (rank == 0) {
    CHECK_INT(b.shared_devices, 0);
    CHECK_STR(b.warning, "");
    for (int r = 0; r < n; r++) {
      char expect[32];
      snprintf(expect, sizeof expect, "GPU-%d", 7 - r);
      CHECK_STR(b.ranks[r].visible_devices, expect);
    }
  }
  cubie_binding_free(&b);
  /* A whole-node list: the physical device is the list entry the ordinal picks. */
  view = view_of(3, " 4, 5 ,6");
  CHECK_OK(cubie_binding_create(MPI_COMM_WORLD, &view, &b));
  char expect[8];
  snprintf(expect, sizeof expect, "%d", 4 + rank % 3);
  CHECK_STR(b.self.physical, expect);
  int sharers = 0;
  for (int r = 0; r < n; r++) sharers += r % 3 == rank % 3;
  CHECK_INT(b.self.memory_sharers, sharers);
  if (rank == 0) CHECK_INT(b.shared_devices, n > 3 ? 1 : 0);
  cubie_binding_free(&b);
}

/* A backend without devices names no list variable: nothing is recorded
 * from the environment, and the table says so. */
static void no_list_variable(int rank, int n) {
  cubie_device_view view = {.n_devices = 0, .variable = NULL, .visible = "0,1"};
  cubie_binding b;
  CHECK_OK(cubie_binding_create(MPI_COMM_WORLD, &view, &b));
  check_common(&b, rank, n);
  CHECK_INT(b.self.device, -1);
  CHECK_STR(b.self.visible_devices, "");
  CHECK_INT(b.self.memory_sharers, n);
  if (rank == 0) {
    cubie_strbuf text;
    cubie_strbuf_init(&text);
    CHECK_OK(cubie_binding_format(&b, &text));
    CHECK(strstr(text.data, VARIABLE) == NULL);
    CHECK(strstr(text.data, "(unset)") == NULL);
    CHECK_CONTAINS(text.data, "  devices\n");
    cubie_strbuf_free(&text);
  }
  cubie_binding_free(&b);
}

static void two_nodes(int rank, int n) {
  MPI_Comm node;
  MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &node);
  cubie_binding b;
  cubie_device_view view = view_of(1, NULL);
  CHECK_OK(cubie_binding_create_on_nodes(MPI_COMM_WORLD, node, &view, &b));
  check_common(&b, rank, n);
  CHECK_INT(b.self.node, rank % 2);
  CHECK_INT(b.self.local_rank, rank / 2);
  CHECK_INT(b.self.device, 0);
  /* one device per node: shared by exactly the ranks of this rank's node */
  CHECK_INT(b.self.memory_sharers, n / 2 + (n % 2 && rank % 2 == 0));
  if (rank == 0) {
    /* one device per node: shared on every node with 2+ ranks */
    int shared = (n >= 3) + (n >= 4);
    CHECK_INT(b.shared_devices, shared);
    if (n >= 3) CHECK_CONTAINS(b.warning, "device 0 is shared by ranks 0, 2;");
    if (n >= 4) CHECK_CONTAINS(b.warning, "device 0 is shared by ranks 1, 3;");
  }
  cubie_binding_free(&b);
  MPI_Comm_free(&node);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, n;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  devices(2, rank, n);
  devices(1, rank, n);
  devices(0, rank, n);
  no_list_variable(rank, n);
  per_task_visible(rank, n);
  two_nodes(rank, n);
  MPI_Finalize();
  CHECK_DONE();
}
