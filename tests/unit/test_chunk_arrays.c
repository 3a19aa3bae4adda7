/* test_chunk_arrays.c — the chunk arrays and the decision read back from
 * them: runs per piece, run chunks, time windows and each window's save
 * points and summary windows agree with the memory manager's response
 * (there is no other copy of it); the typed handles point at the arrays
 * their labels name; mirrors exist exactly when device memory is not host
 * memory and hold the file's layout; and the device-to-file reorder. */
#include <stdlib.h>

#include "check.h"
#include "memory/chunk_arrays.h"
#include "memory/layout.h"
#include "plan/job.h"

static int host_alloc(void *ctx, cubie_memory_kind kind, size_t bytes, void **ptr) {
  (void)ctx;
  (void)kind;
  *ptr = malloc(bytes ? bytes : 1);
  return *ptr ? CUBIE_OK : CUBIE_ERR_MEMORY;
}

static void host_release(void *ctx, cubie_memory_kind kind, void *ptr) {
  (void)ctx;
  (void)kind;
  free(ptr);
}

static cubie_job *lorenz(void) {
  cubie_job_overrides ov = {.backend = -1, .threads = -1};
  cubie_job *job = NULL;
  CHECK_OK(cubie_job_prepare(CUBIE_SOURCE_DIR "/inputs/lorenz.yaml", &ov, &job));
  return job;
}

static int plan(cubie_chunk_arrays *a, const cubie_job *job, bool gpu, long long runs,
                cubie_chunk_axis axis, size_t budget, int persist) {
  cubie_array_layout layout = {.run_fastest = gpu, .host_mirrors = gpu, .device_reorder = gpu,
                               .output_buffers = 2,
                               .total_runs = runs};
  return cubie_chunk_arrays_plan(a, job->plan, cubie_model_n_states(job->model),
                                 cubie_model_n_parameters(job->model), &layout, persist, axis,
                                 budget, host_alloc, host_release, NULL);
}

/* Runs chunked: 103 runs in pieces of chunk_length, the last one dangling;
 * one window of every save point and every summary window. */
static void test_run_axis(const cubie_job *job) {
  cubie_chunk_arrays a = {0};
  CHECK_OK(plan(&a, job, false, 103, CUBIE_CHUNK_AXIS_RUN, 300 * 1024, 0));
  const cubie_array_response *r = &a.response;
  CHECK_INT(r->chunk_axis, CUBIE_CHUNK_AXIS_RUN);
  CHECK(r->chunks > 1);
  CHECK_INT(cubie_chunk_arrays_piece_runs(&a), r->chunk_length);
  CHECK_INT(cubie_chunk_arrays_run_chunks(&a), r->chunks);
  CHECK_INT(cubie_chunk_arrays_windows(&a), 1);
  cubie_item_extent e = {0};
  CHECK_OK(cubie_chunk_arrays_window(&a, job->plan, 0, &e));
  CHECK_INT(e.k0, 0);
  CHECK_INT(e.k1, job->plan->n_saves);
  CHECK_INT(e.s0, 0);
  CHECK_INT(e.s1, job->plan->n_summaries);
  CHECK(cubie_chunk_arrays_chunk_bytes(&a) > 0 && cubie_chunk_arrays_chunk_bytes(&a) <= 300 * 1024);
  /* No persisted state was asked for. */
  CHECK(a.records.persist == NULL);
  cubie_chunk_arrays_free(&a);
  CHECK(a.mm == NULL);
}

/* Time chunked: the windows tile [0, n_saves) in order, the last one the
 * remainder; their summary windows tile [0, n_summaries) without overlap;
 * a piece is every run. */
static void test_time_axis(const cubie_job *job) {
  const cubie_plan *p = job->plan;
  cubie_chunk_arrays a = {0};
  CHECK_OK(plan(&a, job, false, 64, CUBIE_CHUNK_AXIS_TIME, 200 * 1024, 30));
  const cubie_array_response *r = &a.response;
  CHECK_INT(r->chunk_axis, CUBIE_CHUNK_AXIS_TIME);
  CHECK(r->chunks > 2);
  CHECK_INT(cubie_chunk_arrays_windows(&a), r->chunks);
  CHECK_INT(cubie_chunk_arrays_run_chunks(&a), 1);
  CHECK_INT(cubie_chunk_arrays_piece_runs(&a), 64);
  CHECK(a.records.persist != NULL && a.records.persist->data != NULL);
  long long next_k = 0, next_s = 0;
  for (long long w = 0; w < r->chunks; w++) {
    cubie_item_extent e = {0};
    CHECK_OK(cubie_chunk_arrays_window(&a, p, w, &e));
    CHECK_INT(e.k0, next_k);
    CHECK_INT(e.k1 - e.k0, w < r->chunks - 1 ? r->chunk_length
                                              : p->n_saves - (r->chunks - 1) * r->chunk_length);
    CHECK_INT(e.s0, next_s);
    CHECK(e.s1 >= e.s0);
    next_k = e.k1;
    next_s = e.s1;
  }
  CHECK_INT(next_k, p->n_saves);
  CHECK_INT(next_s, p->n_summaries);
  cubie_item_extent past = {0};
  CHECK_FAILS(cubie_chunk_arrays_window(&a, p, r->chunks, &past), CUBIE_ERR_INTERNAL);
  cubie_chunk_arrays_free(&a);
}

/* Each handle is the array its label names, allocated; mirrors only where
 * device memory is not host memory, in the file's [var][run][time] layout. */
static void test_handles(const cubie_job *job) {
  const cubie_plan *p = job->plan;
  for (int gpu = 0; gpu < 2; gpu++) {
    cubie_chunk_arrays a = {0};
    CHECK_OK(plan(&a, job, gpu, 40, CUBIE_CHUNK_AXIS_AUTO, 64 << 20, 0));
    /* The kernel decodes its runs from the grid's table (kernels/grid_decode.h):
     * no per-run inputs; one unchunkable array of the table's values. */
    CHECK_STR(a.inputs.grid_table->request.label, "grid_table");
    CHECK(a.inputs.grid_table->request.unchunkable && !a.inputs.grid_table->request.has_total_runs);
    CHECK_INT(a.inputs.grid_table->request.shape[0], p->grid_table_length);
    CHECK(a.inputs.initial_values.device == NULL && a.inputs.parameters.device == NULL);
    CHECK_STR(a.outputs.saves[1].device->request.label, "saves.1");
    CHECK_STR(a.summaries.summaries[0].device->request.label, "summaries.0");
    CHECK_STR(a.records.status->request.label, "status");
    CHECK_STR(a.records.counters->request.label, "counters");
    CHECK_STR(a.records.swept_inputs->request.label, "swept_inputs");
    CHECK_INT(a.records.swept_inputs->request.memory, CUBIE_MEMORY_DEVICE); /* the kernel writes it */
    CHECK_INT(a.outputs.n_buffers, 2);
    CHECK_INT(a.summaries.n_buffers, 2);
    for (int b = 0; b < 2; b++) {
      const cubie_mirrored_array *s = &a.outputs.saves[b];
      CHECK(s->device->data != NULL && s->host->data != NULL);
      CHECK((s->host != s->device) == (gpu != 0));
      CHECK_INT(s->host->request.shape[1], 40);
      CHECK_INT(s->host->request.shape[2], p->n_saves);
      if (gpu) {
        CHECK_STR(s->host->request.label, b ? "host_saves.1" : "host_saves.0");
        CHECK_INT(s->host->request.memory, CUBIE_MEMORY_PINNED);
        CHECK_INT(s->device->request.shape[1], p->n_saves); /* run fastest on the device */
      }
    }
    /* Every array of the response has a handle: nothing is allocated that
     * no one can reach (what the pinned status/counter mirrors were). */
    /* A device that reorders results has one file-layout array per kind. */
    CHECK((a.outputs.file_layout != NULL) == (gpu != 0));
    CHECK((a.summaries.file_layout != NULL) == (gpu != 0));
    if (gpu) {
      CHECK_STR(a.outputs.file_layout->request.label, "file_saves");
      CHECK_INT(a.outputs.file_layout->request.memory, CUBIE_MEMORY_DEVICE);
      CHECK_INT(a.outputs.file_layout->request.shape[1], 40); /* [output][run][time] */
      CHECK_INT(a.outputs.file_layout->request.shape[2], p->n_saves);
      CHECK_STR(a.summaries.file_layout->request.label, "file_summaries");
    }
    int handles = 1 + 2 * 2 * (1 + gpu) + 2 * gpu + 3;
    CHECK_INT(a.response.n_arrays, handles);
    cubie_chunk_arrays_free(&a);
  }
}

/* Without summaries there are no summary buffer sets. */
static void test_no_summaries(void) {
  const char *set[] = {"output.summaries="};
  cubie_job_overrides ov = {.set = set, .n_set = 1, .backend = -1, .threads = -1};
  cubie_job *job = NULL;
  CHECK_OK(cubie_job_prepare(CUBIE_SOURCE_DIR "/inputs/lorenz.yaml", &ov, &job));
  if (!job) return;
  cubie_chunk_arrays a = {0};
  CHECK_OK(plan(&a, job, false, 10, CUBIE_CHUNK_AXIS_AUTO, 64 << 20, 0));
  CHECK_INT(a.summaries.n_buffers, 0);
  cubie_item_extent e = {0};
  CHECK_OK(cubie_chunk_arrays_window(&a, job->plan, 0, &e));
  CHECK_INT(e.s1 - e.s0, 0);
  cubie_chunk_arrays_free(&a);
  cubie_job_destroy(&job);
}

/* [outer][rows][cols] -> [outer][cols][rows], both element sizes, and the
 * strides that address the two layouts. */
static void test_layout(void) {
  double src[2 * 3 * 4], dst[2 * 3 * 4];
  float srcf[2 * 3 * 4], dstf[2 * 3 * 4];
  for (int i = 0; i < 24; i++) srcf[i] = (float)(src[i] = i + 0.25);
  cubie_transpose(dst, src, 2, 3, 4, sizeof(double));
  cubie_transpose(dstf, srcf, 2, 3, 4, sizeof(float));
  for (int o = 0; o < 2; o++)
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 4; j++) {
        CHECK(dst[o * 12 + j * 3 + i] == src[o * 12 + i * 4 + j]);
        CHECK(dstf[o * 12 + j * 3 + i] == srcf[o * 12 + i * 4 + j]);
      }
  /* A block large enough for the threaded path, with partial tiles. */
  enum { O = 3, R = 1001, C = 701 };
  float *big = malloc(sizeof(float) * O * R * C), *out = malloc(sizeof(float) * O * R * C);
  if (big && out) {
    for (long i = 0; i < (long)O * R * C; i++) big[i] = (float)i;
    cubie_transpose(out, big, O, R, C, sizeof(float));
    long wrong = 0;
    for (long o = 0; o < O; o++)
      for (long i = 0; i < R; i++)
        for (long j = 0; j < C; j++)
          wrong += out[o * R * C + j * R + i] != big[o * R * C + i * C + j];
    CHECK_INT(wrong, 0);
  }
  free(big);
  free(out);
  cubie_transpose(dst, src, 2, 1, 12, sizeof(double)); /* one row: a copy */
  for (int i = 0; i < 24; i++) CHECK(dst[i] == src[i]);
  cubie_i64 outer, run, time;
  cubie_block_strides(true, 5, 7, &outer, &run, &time); /* [outer][time][run] */
  CHECK(outer == 35 && run == 1 && time == 5);
  cubie_block_strides(false, 5, 7, &outer, &run, &time); /* [outer][run][time] */
  CHECK(outer == 35 && run == 7 && time == 1);
}

int main(void) {
  cubie_job *job = lorenz();
  if (job) {
    test_run_axis(job);
    test_time_axis(job);
    test_handles(job);
    cubie_job_destroy(&job);
  }
  test_no_summaries();
  test_layout();
  CHECK_DONE();
}
