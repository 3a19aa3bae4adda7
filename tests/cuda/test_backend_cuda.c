/* test_backend_cuda — the CUDA backend's host logic against a stand-in
 * driver (fake_cuda.c), so it runs without a GPU: selection and fallback,
 * device checks, description, memory budget, allocation and copies, block
 * size and shared memory, the launch configuration and its argument block,
 * kernel timing, and driver errors carried into messages.
 *
 * Usage: test_backend_cuda FAKE_LIBCUDA nodevice|device. The driver is
 * loaded once per process, hence one mode per run.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"
#include "check.h"
#include "backends/cuda/cuda_driver.h"
#include "backends/cuda/nvrtc_loader.h"

static void test_no_device(void) {
  char why[512] = "";
  CHECK(!cubie_backend_cuda_ops.available(why, sizeof why));
  CHECK_STR(why, "cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)");
  const cubie_backend_ops *ops = NULL;
  CHECK_OK(cubie_backend_select(CUBIE_BACKEND_AUTO, &ops, why, sizeof why));
  CHECK(ops == &cubie_backend_cpu_ops);
  CHECK_STR(why, "cpu (auto: no CUDA device: cuInit failed: CUDA_ERROR_NO_DEVICE (no "
                 "CUDA-capable device is detected))");
  CHECK_FAILS(cubie_backend_select(CUBIE_BACKEND_CUDA, &ops, why, sizeof why), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "backend 'cuda' was requested but no CUDA device is usable: "
                                        "cuInit failed: CUDA_ERROR_NO_DEVICE");
  cubie_backend_options opts = {.cache_dir = "/tmp", .device = 0};
  cubie_backend *b = NULL;
  CHECK_FAILS(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b), CUBIE_ERR_UNAVAILABLE);
  CHECK(b == NULL);
  cubie_strbuf text;
  CHECK_OK(cubie_strbuf_init(&text));
  CHECK_OK(cubie_cuda_describe_devices(&text));
  CHECK_STR(text.data, "no CUDA device: cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable "
                       "device is detected)\n");
  cubie_strbuf_free(&text);

  /* Through the registry: no device, nothing for `cubie info` to list. */
  const cubie_backend_entry *e = cubie_backend_entry_of(&cubie_backend_cuda_ops);
  CHECK(e != NULL && e->kind == CUBIE_BACKEND_CUDA);
  CHECK(!cubie_backend_usable(e, why, sizeof why));
  CHECK_INT(cubie_backend_device_count(&cubie_backend_cuda_ops, why, sizeof why), 0);
  CHECK_STR(why, "cuInit failed: CUDA_ERROR_NO_DEVICE (no CUDA-capable device is detected)");
  CHECK_OK(cubie_strbuf_init(&text));
  CHECK_OK(cubie_backend_list_devices(e, &text));
  CHECK_INT(text.length, 0);
  cubie_strbuf_free(&text);
  CHECK_STR(cubie_backend_cuda_ops.visible_devices_variable, "CUDA_VISIBLE_DEVICES");
  /* Every rank chose cpu or cuda: all take cpu. */
  const cubie_backend_entry *cpu = cubie_backend_entry_of(&cubie_backend_cpu_ops);
  CHECK_OK(cubie_backend_select_common(cpu->priority, e->priority, &ops, why, sizeof why));
  CHECK(ops == &cubie_backend_cpu_ops);
  CHECK_STR(why, "cpu (auto: not every rank can use cuda)");
}

typedef void (*last_launch_fn)(unsigned *, unsigned *, unsigned *, cubie_chunk_args *);
typedef int (*int_fn)(void);

static void *fake_symbol(void *lib, const char *name) {
  void *sym = dlsym(lib, name);
  CHECK(sym != NULL);
  return sym;
}

/* One binary load and launch; returns the launch the fake driver saw. */
static int launch_once(cubie_backend *b, long long n_runs, unsigned *grid, unsigned *block,
                       unsigned *smem, cubie_chunk_args *seen, void *lib) {
  unsigned char image[16] = "fake cubin";
  cubie_binary bin = {.data = image, .size = sizeof image};
  int rc = b->ops->load(b->impl, &bin);
  if (rc) return rc;
  cubie_chunk_args args;
  memset(&args, 0, sizeof args);
  args.n_runs = n_runs;
  args.t_end = 1.0;
  args.atol = 1e-8;
  args.save_var_stride = 7;
  rc = b->ops->launch(b->impl, &args);
  if (rc) return rc;
  rc = b->ops->synchronize(b->impl);
  last_launch_fn last;
  void *sym = fake_symbol(lib, "fake_cuda_last_launch");
  memcpy(&last, &sym, sizeof last);
  if (sym) last(grid, block, smem, seen);
  return rc;
}

static void test_device(void *lib) {
  char why[512] = "";
  const cubie_nvrtc *nv = NULL;
  bool have_nvrtc = cubie_nvrtc_load(&nv) == CUBIE_OK;
  cubie_error_clear();
  bool ok = cubie_backend_cuda_ops.available(why, sizeof why);
  if (have_nvrtc) {
    CHECK(ok);
    CHECK_CONTAINS(why, "CUDA device available, NVRTC");
  } else {
    CHECK(!ok);
    CHECK_CONTAINS(why, "a CUDA device is present but NVRTC not found");
  }

  cubie_strbuf text;
  CHECK_OK(cubie_strbuf_init(&text));
  CHECK_OK(cubie_cuda_describe_devices(&text));
  CHECK_CONTAINS(text.data, "NVIDIA driver 13.0 (");
  CHECK_CONTAINS(text.data, "device 0: Fake GPU 0 (sm_90, 132 SMs, 79.2 GiB)\n");
  cubie_strbuf_free(&text);
  /* The same through the registry, whether or not NVRTC loads: devices are
   * listed whenever the driver sees any. */
  const cubie_backend_entry *e = cubie_backend_entry_of(&cubie_backend_cuda_ops);
  CHECK(e != NULL);
  CHECK_INT(cubie_backend_device_count(&cubie_backend_cuda_ops, why, sizeof why), 1);
  CHECK_OK(cubie_strbuf_init(&text));
  CHECK_OK(cubie_backend_list_devices(e, &text));
  CHECK_CONTAINS(text.data, "), 1 device\ndevice 0: Fake GPU 0 (sm_90, 132 SMs, 79.2 GiB)\n");
  cubie_strbuf_free(&text);
  const cubie_backend_ops *chosen = NULL;
  char reason[1024];
  CHECK_OK(cubie_backend_select(CUBIE_BACKEND_AUTO, &chosen, reason, sizeof reason));
  CHECK(chosen == (have_nvrtc ? &cubie_backend_cuda_ops : &cubie_backend_cpu_ops));
  if (have_nvrtc) CHECK_STR(reason, "cuda (auto: a CUDA device is available)");

  cubie_backend_options opts = {.cache_dir = "/tmp", .device = 1};
  cubie_backend *b = NULL;
  CHECK_FAILS(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b), CUBIE_ERR_UNAVAILABLE);
  CHECK_STR(cubie_error_message(), "CUDA device 1 does not exist (this process sees 1 device)");
  if (!have_nvrtc) return; /* create needs NVRTC too */

  opts.device = 0;
  CHECK_OK(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b));
  if (!b) return;
  CHECK_STR(b->description, "cuda: Fake GPU 0 (sm_90, 132 SMs, 79.2 GiB), device 0");
  CHECK(b->ops->run_fastest);
  CHECK(!b->ops->host_is_device);
  CHECK_CONTAINS(b->ops->source_epilogue(b->impl), "#include \"entry_cuda.h\"\n");

  size_t budget = 0;
  CHECK_OK(b->ops->memory_budget(b->impl, &budget));
  CHECK_INT(budget, (size_t)((double)((size_t)10 << 30) * 0.8)); /* free x 0.8 */

  /* Allocation of every kind (0 bytes too) and a round trip through the
   * "device" on both copy paths. */
  void *dev = NULL, *pinned = NULL, *host = NULL, *empty = NULL;
  CHECK_OK(b->ops->alloc(b->impl, CUBIE_MEMORY_DEVICE, 64, &dev));
  CHECK_OK(b->ops->alloc(b->impl, CUBIE_MEMORY_PINNED, 64, &pinned));
  CHECK_OK(b->ops->alloc(b->impl, CUBIE_MEMORY_HOST, 64, &host));
  CHECK_OK(b->ops->alloc(b->impl, CUBIE_MEMORY_DEVICE, 0, &empty));
  CHECK(dev && pinned && host && empty);
  if (dev && pinned && host) {
    for (int i = 0; i < 64; i++) ((unsigned char *)pinned)[i] = (unsigned char)(3 * i + 1);
    CHECK_OK(b->ops->copy_to_device(b->impl, dev, pinned, 64));
    memset(host, 0, 64);
    CHECK_OK(b->ops->copy_to_host(b->impl, host, dev, 64));
    CHECK(memcmp(host, pinned, 64) == 0);
    memset(host, 0, 64);
    CHECK_OK(b->ops->copy_to_host_async(b->impl, host, dev, 32));
    CHECK_OK(b->ops->synchronize_copies(b->impl));
    CHECK(memcmp(host, pinned, 32) == 0);
  }
  b->ops->release(b->impl, CUBIE_MEMORY_DEVICE, dev);
  b->ops->release(b->impl, CUBIE_MEMORY_DEVICE, empty);
  b->ops->release(b->impl, CUBIE_MEMORY_PINNED, pinned);
  b->ops->release(b->impl, CUBIE_MEMORY_HOST, host);
  int_fn allocations;
  void *sym = fake_symbol(lib, "fake_cuda_allocations");
  memcpy(&allocations, &sym, sizeof allocations);
  if (sym) CHECK_INT(allocations(), 0); /* everything given back */

  /* Launch before load is a bug, not a crash. */
  cubie_chunk_args none;
  memset(&none, 0, sizeof none);
  none.n_runs = 1;
  CHECK_FAILS(b->ops->launch(b->impl, &none), CUBIE_ERR_INTERNAL);

  /* No shared memory: the occupancy calculator's block (256 in the fake),
   * one thread per run, the argument block passed by value. */
  unsigned grid = 0, block = 0, smem = 0;
  cubie_chunk_args seen;
  CHECK_OK(launch_once(b, 1000, &grid, &block, &smem, &seen, lib));
  CHECK_INT(block, 256);
  CHECK_INT(grid, 4); /* ceil(1000 / 256) */
  CHECK_INT(smem, 0);
  CHECK_INT(seen.n_runs, 1000);
  CHECK_INT(seen.save_var_stride, 7);
  CHECK(seen.t_end == 1.0 && seen.atol == 1e-8);
  double seconds = 0;
  CHECK_OK(b->ops->kernel_seconds(b->impl, &seconds));
  CHECK_NEAR(seconds, 1.5e-3, 1e-9); /* the fake's event time */
  /* Launches queue without waiting for each other; synchronize adds up
   * every one of them. */
  none.n_runs = 10;
  for (int i = 0; i < 6; i++) CHECK_OK(b->ops->launch(b->impl, &none));
  CHECK_OK(b->ops->synchronize(b->impl));
  CHECK_OK(b->ops->kernel_seconds(b->impl, &seconds));
  CHECK_NEAR(seconds, 7 * 1.5e-3, 1e-9);
  /* The progress counter is mapped pinned memory (one allocation, kept):
   * the launch gets its device view, the host reads the runs the blocks
   * added (the stand-in adds a launch's runs), exactly. */
  cubie_u64 *counter = NULL, *device = NULL;
  int allocs = ((int_fn)fake_symbol(lib, "fake_cuda_allocations"))();
  CHECK_OK(b->ops->runs_counter(b->impl, &counter, &device));
  CHECK(counter != NULL && device != NULL);
  CHECK_INT((long long)*counter, 0);
  none.runs_done = device;
  none.n_runs = 300;
  for (int i = 0; i < 3; i++) CHECK_OK(b->ops->launch(b->impl, &none));
  CHECK_OK(b->ops->synchronize(b->impl));
  CHECK_INT((long long)__atomic_load_n(counter, __ATOMIC_RELAXED), 900);
  cubie_u64 *again = NULL, *again_device = NULL;
  CHECK_OK(b->ops->runs_counter(b->impl, &again, &again_device));
  CHECK(again == counter && again_device == device);
  CHECK_INT(((int_fn)fake_symbol(lib, "fake_cuda_allocations"))(), allocs + 1);
  none.runs_done = NULL;
  CHECK_OK(b->ops->kernel_seconds(b->impl, &seconds));
  CHECK_NEAR(seconds, 10 * 1.5e-3, 1e-9);
  /* An empty chunk launches nothing. */
  none.n_runs = 0;
  CHECK_OK(b->ops->launch(b->impl, &none));
  CHECK_OK(b->ops->synchronize(b->impl));
  CHECK_OK(b->ops->kernel_seconds(b->impl, &seconds));
  CHECK_NEAR(seconds, 10 * 1.5e-3, 1e-9);
  cubie_backend_destroy(&b);

  /* 1000 B of shared memory per run: the block is limited by what the
   * kernel may use after opting in (above 48 KiB), and the launch asks for
   * block x 1000 B. The fake offers 256 at most: 256 KB > 227 KiB, so 224. */
  setenv("FAKE_CUDA_SHARED_BYTES", "1000", 1);
  CHECK_OK(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b));
  if (b) {
    CHECK_OK(launch_once(b, 1000, &grid, &block, &smem, &seen, lib));
    CHECK_INT(block, 224);
    CHECK_INT(smem, 224 * 1000);
    CHECK_INT(grid, 5);
    int_fn max_dyn;
    sym = fake_symbol(lib, "fake_cuda_max_dynamic_shared");
    memcpy(&max_dyn, &sym, sizeof max_dyn);
    if (sym) CHECK_INT(max_dyn(), 232 * 1000); /* opted in for the largest block that fits */
    cubie_backend_destroy(&b);
  }

  /* run.block_size is taken as given, and refused when it cannot fit. */
  opts.block_size = 64;
  CHECK_OK(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b));
  if (b) {
    CHECK_OK(launch_once(b, 100, &grid, &block, &smem, &seen, lib));
    CHECK_INT(block, 64);
    CHECK_INT(grid, 2);
    CHECK_INT(smem, 64000);
    cubie_backend_destroy(&b);
  }
  opts.block_size = 512;
  CHECK_OK(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b));
  if (b) {
    CHECK_FAILS(launch_once(b, 100, &grid, &block, &smem, &seen, lib), CUBIE_ERR_INPUT);
    CHECK_CONTAINS(cubie_error_message(), "run.block_size 512 is too large for Fake GPU 0: at most 232");
    cubie_backend_destroy(&b);
  }

  /* The kernel's launch bound (256 threads) limits the block as the device's does. */
  setenv("FAKE_CUDA_SHARED_BYTES", "0", 1);
  setenv("FAKE_CUDA_KERNEL_MAX_THREADS", "256", 1);
  CHECK_OK(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b));
  if (b) {
    CHECK_FAILS(launch_once(b, 100, &grid, &block, &smem, &seen, lib), CUBIE_ERR_INPUT);
    CHECK_CONTAINS(cubie_error_message(), "run.block_size 512 is too large for Fake GPU 0: at most 256");
    cubie_backend_destroy(&b);
  }
  setenv("FAKE_CUDA_KERNEL_MAX_THREADS", "64", 1);
  opts.block_size = 0;
  CHECK_OK(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b));
  if (b) {
    CHECK_OK(launch_once(b, 100, &grid, &block, &smem, &seen, lib));
    CHECK_INT(block, 64); /* the calculator's choice, within the bound */
    cubie_backend_destroy(&b);
  }
  unsetenv("FAKE_CUDA_KERNEL_MAX_THREADS");

  /* More shared memory per run than a block can have at all. */
  opts.block_size = 0;
  setenv("FAKE_CUDA_SHARED_BYTES", "300000", 1);
  CHECK_OK(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b));
  if (b) {
    CHECK_FAILS(launch_once(b, 100, &grid, &block, &smem, &seen, lib), CUBIE_ERR_UNAVAILABLE);
    CHECK_CONTAINS(cubie_error_message(), "need 300000 bytes per run, more than the 232448 bytes");
    CHECK_CONTAINS(cubie_error_message(), "move some to local");
    cubie_backend_destroy(&b);
  }

  /* A kernel that fails: the driver's name and text reach the message. */
  setenv("FAKE_CUDA_SHARED_BYTES", "0", 1);
  setenv("FAKE_CUDA_FAIL_LAUNCH", "1", 1);
  CHECK_OK(cubie_backend_create(&cubie_backend_cuda_ops, &opts, &b));
  if (b) {
    CHECK_FAILS(launch_once(b, 100, &grid, &block, &smem, &seen, lib), CUBIE_ERR_BACKEND);
    CHECK_STR(cubie_error_message(),
              "the CUDA kernel failed: CUDA_ERROR_LAUNCH_FAILED (unspecified launch failure)");
    cubie_backend_destroy(&b);
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_backend_cuda FAKE_LIBCUDA nodevice|device\n");
    return 2;
  }
  setenv("CUBIE_CUDA_LIBRARY", argv[1], 1);
  if (strcmp(argv[2], "nodevice") == 0) {
    setenv("FAKE_CUDA_DEVICES", "0", 1);
    test_no_device();
  } else {
    setenv("FAKE_CUDA_DEVICES", "1", 1);
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    CHECK(lib != NULL);
    if (lib) test_device(lib);
  }
  CHECK_DONE();
}
