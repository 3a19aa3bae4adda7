/* The memory manager and its contracts, case by case from the seed design
 * notes (design.md §4.1-4.2): requests carry total_runs, the manager reads
 * it from them alone, chunk_length = ceil(total_runs / chunks), the dangling
 * last chunk, unchunkable arrays, empty queues, "none" metadata, and one
 * resolution of the chunk axis. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memory/array_manager.h"
#include "check.h"
#include "memory/managed_array.h"
#include "memory/memory_manager.h"

static cubie_array_request req(const char *label, int ndim, const long long *shape, int run_axis,
                               int time_axis, bool unchunkable, const long long *total_runs) {
  cubie_array_request r;
  int rc = cubie_array_request_init(&r, label, CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_DEVICE, ndim,
                                    shape, run_axis, time_axis, unchunkable, total_runs);
  if (rc) fprintf(stderr, "request '%s' rejected: %s\n", label, cubie_error_message());
  return r;
}

static int counting_alloc(void *ctx, cubie_memory_kind kind, size_t bytes, void **ptr) {
  (void)kind;
  *(size_t *)ctx += bytes;
  *ptr = malloc(bytes ? bytes : 1);
  return *ptr ? CUBIE_OK : CUBIE_ERR_MEMORY;
}

static void counting_release(void *ctx, cubie_memory_kind kind, void *ptr) {
  (void)ctx;
  (void)kind;
  free(ptr);
}

static void test_request_total_runs(void) {
  long long shape[3] = {10, 5, 100}, hundred = 100, zero = 0, negative = -3;
  cubie_array_request r;
  CHECK_OK(cubie_array_request_init(&r, "a", CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_DEVICE, 3, shape, 2,
                                    -1, false, &hundred));
  CHECK(r.has_total_runs);
  CHECK_INT(r.total_runs, 100);
  CHECK_OK(cubie_array_request_init(&r, "b", CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_DEVICE, 3, shape, 2,
                                    -1, false, NULL));
  CHECK(!r.has_total_runs); /* "none" */
  CHECK_FAILS(cubie_array_request_init(&r, "c", CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_DEVICE, 3, shape,
                                       2, -1, false, &zero),
              CUBIE_ERR_INTERNAL);
  CHECK_CONTAINS(cubie_error_message(), "positive integer");
  CHECK_FAILS(cubie_array_request_init(&r, "d", CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_DEVICE, 3, shape,
                                       2, -1, false, &negative),
              CUBIE_ERR_INTERNAL);
  /* Unchunkable arrays carry no total_runs. */
  CHECK_FAILS(cubie_array_request_init(&r, "e", CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_DEVICE, 3, shape,
                                       -1, -1, true, &hundred),
              CUBIE_ERR_INTERNAL);
}

/* (10, 5, 100) float64 along axis 2 is 400 bytes per run: a 10000-byte
 * budget holds 25 runs, so 4 chunks of 25. */
static void test_four_chunks(void) {
  long long shape[3] = {10, 5, 100}, runs = 100;
  size_t allocated = 0;
  cubie_memory_manager *mm;
  CHECK_OK(cubie_memory_manager_create(10000, counting_alloc, counting_release, &allocated, &mm));
  cubie_array_request r = req("saves", 3, shape, 2, -1, false, &runs);
  CHECK_OK(cubie_memory_manager_queue(mm, &r));
  cubie_array_response resp;
  CHECK_OK(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_RUN, &resp));
  CHECK_INT(resp.chunks, 4);
  CHECK_INT(resp.chunk_length, 25);
  CHECK_INT(resp.chunk_axis, CUBIE_CHUNK_AXIS_RUN);
  CHECK_INT(resp.n_arrays, 1);
  CHECK_INT(resp.arrays[0].chunked_shape[0], 10);
  CHECK_INT(resp.arrays[0].chunked_shape[1], 5);
  CHECK_INT(resp.arrays[0].chunked_shape[2], 25);
  CHECK_INT(allocated, 10000); /* allocated at the chunked size, not 40000 */

  cubie_managed_array a;
  cubie_managed_array_init(&a, &r);
  CHECK(!a.has_chunks);
  cubie_managed_array_apply(&a, &resp);
  CHECK(a.has_chunks);
  CHECK_INT(a.num_chunks, 4);
  CHECK_INT(a.chunk_length, 25);
  CHECK(a.data == resp.arrays[0].data);
  cubie_array_slice s;
  CHECK_OK(cubie_managed_array_chunk_slice(&a, 0, &s));
  CHECK_INT(s.shape[0], 10);
  CHECK_INT(s.shape[1], 5);
  CHECK_INT(s.shape[2], 25); /* (10, 5, 25), not (10, 5, 100) */
  CHECK_INT(s.start[2], 0);
  CHECK_OK(cubie_managed_array_chunk_slice(&a, 3, &s));
  CHECK_INT(s.start[2], 75);
  CHECK_INT(s.shape[2], 25);
  CHECK_FAILS(cubie_managed_array_chunk_slice(&a, 4, &s), CUBIE_ERR_INTERNAL);
  cubie_memory_manager_destroy(&mm);
  CHECK(mm == NULL);
}

/* The dangling chunk: with chunk_length 25, 103 runs slice into 5 chunks,
 * the last of 3. */
static void test_dangling_chunk_slices(void) {
  long long shape[2] = {4, 103}, runs = 103;
  cubie_managed_array a;
  cubie_array_request r = req("x", 2, shape, 1, -1, false, &runs);
  cubie_managed_array_init(&a, &r);
  cubie_array_response resp;
  memset(&resp, 0, sizeof resp);
  resp.chunk_axis = CUBIE_CHUNK_AXIS_RUN;
  resp.chunks = 5;
  resp.chunk_length = 25;
  resp.extent = 103;
  resp.n_arrays = 1;
  strcpy(resp.arrays[0].label, "x");
  resp.arrays[0].ndim = 2;
  resp.arrays[0].chunked = true;
  resp.arrays[0].chunk_axis_index = 1;
  resp.arrays[0].chunked_shape[0] = 4;
  resp.arrays[0].chunked_shape[1] = 25;
  cubie_managed_array_apply(&a, &resp);
  long long total = 0;
  cubie_array_slice s;
  for (long long k = 0; k < 5; k++) {
    CHECK_OK(cubie_managed_array_chunk_slice(&a, k, &s));
    CHECK_INT(s.start[1], 25 * k);
    CHECK_INT(s.shape[1], k < 4 ? 25 : 3);
    total += s.shape[1];
  }
  CHECK_INT(total, 103);
}

/* The manager itself balances: 103 runs where 25 fit -> 5 chunks of
 * ceil(103 / 5) = 21, the last of 19. */
static void test_manager_chunk_length_formula(void) {
  long long shape[2] = {50, 103}, runs = 103; /* 400 bytes per run */
  cubie_memory_manager *mm;
  CHECK_OK(cubie_memory_manager_create(10000, NULL, NULL, NULL, &mm));
  cubie_array_request r = req("x", 2, shape, 1, -1, false, &runs);
  CHECK_OK(cubie_memory_manager_queue(mm, &r));
  cubie_array_response resp;
  CHECK_OK(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_AUTO, &resp));
  CHECK_INT(resp.chunks, 5);
  CHECK_INT(resp.chunk_length, 21);
  cubie_managed_array a;
  cubie_managed_array_init(&a, &r);
  cubie_managed_array_apply(&a, &resp);
  cubie_array_slice s;
  CHECK_OK(cubie_managed_array_chunk_slice(&a, 4, &s));
  CHECK_INT(s.start[1], 84);
  CHECK_INT(s.shape[1], 19);
  cubie_memory_manager_destroy(&mm);
}

/* 2^62 runs (issue 13 §9): sizes saturate instead of wrapping, so the
 * plan is chunks that fit the budget, not "1 chunk, 0 B each". */
static void test_huge_total_runs(void) {
  long long runs = 1LL << 62, shape[2] = {5, 1LL << 62}; /* 40 bytes per run */
  const long long past[2] = {1LL << 62, 8};
  CHECK(cubie_array_bytes(CUBIE_DTYPE_FLOAT64, 2, past) == SIZE_MAX);
  cubie_memory_manager *mm;
  CHECK_OK(cubie_memory_manager_create((size_t)1 << 30, NULL, NULL, NULL, &mm));
  cubie_array_request r = req("x", 2, shape, 1, -1, false, &runs);
  CHECK_OK(cubie_memory_manager_queue(mm, &r));
  cubie_array_response resp;
  CHECK_OK(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_AUTO, &resp));
  CHECK(resp.chunks > 1);
  CHECK(resp.chunk_length > 0 && resp.chunk_length <= (1LL << 30) / 40);
  CHECK(resp.arrays[0].bytes == (size_t)resp.chunk_length * 40);
  CHECK(resp.chunks * resp.chunk_length >= runs);
  cubie_memory_manager_destroy(&mm);
}

static void test_single_run(void) {
  long long shape[2] = {3, 1}, one = 1;
  cubie_memory_manager *mm;
  CHECK_OK(cubie_memory_manager_create(1 << 20, NULL, NULL, NULL, &mm));
  cubie_array_request r = req("x", 2, shape, 1, -1, false, &one);
  CHECK_OK(cubie_memory_manager_queue(mm, &r));
  cubie_array_response resp;
  CHECK_OK(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_AUTO, &resp));
  CHECK_INT(resp.chunks, 1);
  CHECK_INT(resp.chunk_length, 1);
  CHECK_INT(resp.arrays[0].chunked_shape[1], 1);
  cubie_memory_manager_destroy(&mm);
}

static void test_unchunkable_ignored(void) {
  long long drv[2] = {7, 64}, runs = 100, shape[2] = {10, 100};
  size_t allocated = 0;
  cubie_memory_manager *mm;
  /* 8000 bytes for the whole-array driver table + room for 25 runs. */
  CHECK_OK(cubie_memory_manager_create(7 * 64 * 8 + 25 * 80, counting_alloc, counting_release,
                                       &allocated, &mm));
  cubie_array_request d = req("driver_coefficients", 2, drv, -1, -1, true, NULL);
  cubie_array_request x = req("x", 2, shape, 1, -1, false, &runs);
  CHECK(!d.has_total_runs);
  CHECK_OK(cubie_memory_manager_queue(mm, &d));
  CHECK_OK(cubie_memory_manager_queue(mm, &x));
  cubie_array_response resp;
  CHECK_OK(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_RUN, &resp));
  CHECK_INT(resp.chunks, 4);
  CHECK_INT(resp.chunk_length, 25);
  const cubie_array_allocation *da = cubie_array_response_find(&resp, "driver_coefficients");
  CHECK(da && !da->chunked);
  CHECK(da && da->chunked_shape[0] == 7 && da->chunked_shape[1] == 64);
  cubie_managed_array m;
  cubie_managed_array_init(&m, &d);
  cubie_managed_array_apply(&m, &resp);
  CHECK(!m.has_chunks); /* never chunked: reports none */
  CHECK(m.data == da->data);
  cubie_array_slice s;
  CHECK_OK(cubie_managed_array_chunk_slice(&m, 2, &s));
  CHECK_INT(s.shape[0], 7);
  CHECK_INT(s.shape[1], 64);
  cubie_memory_manager_destroy(&mm);
}

static void test_total_runs_errors(void) {
  long long shape[2] = {2, 100}, half_shape[2] = {2, 50}, h = 100, f = 50;
  cubie_memory_manager *mm;
  CHECK_OK(cubie_memory_manager_create(1 << 20, NULL, NULL, NULL, &mm));
  cubie_array_request none1 = req("a", 2, shape, 1, -1, false, NULL);
  cubie_array_request none2 = req("b", 2, shape, -1, -1, true, NULL);
  CHECK_OK(cubie_memory_manager_queue(mm, &none1));
  CHECK_OK(cubie_memory_manager_queue(mm, &none2));
  cubie_array_response resp;
  CHECK_FAILS(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_AUTO, &resp),
              CUBIE_ERR_INTERNAL);
  CHECK_CONTAINS(cubie_error_message(), "no array request carries total_runs");
  CHECK_CONTAINS(cubie_error_message(), "a, b");
  CHECK_INT(cubie_memory_manager_queue_length(mm), 0);

  cubie_array_request hundred = req("saves", 2, shape, 1, -1, false, &h);
  cubie_array_request fifty = req("status", 2, half_shape, 1, -1, false, &f);
  CHECK_OK(cubie_memory_manager_queue(mm, &hundred));
  CHECK_OK(cubie_memory_manager_queue(mm, &fifty));
  CHECK_FAILS(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_AUTO, &resp),
              CUBIE_ERR_INTERNAL);
  CHECK_CONTAINS(cubie_error_message(), "'saves' has 100");
  CHECK_CONTAINS(cubie_error_message(), "'status' has 50");
  cubie_memory_manager_destroy(&mm);
}

static void test_empty_queue(void) {
  cubie_memory_manager *mm;
  CHECK_OK(cubie_memory_manager_create(1000, NULL, NULL, NULL, &mm));
  cubie_array_response resp;
  memset(&resp, 0x5a, sizeof resp);
  unsigned char before[sizeof resp];
  memcpy(before, &resp, sizeof resp);
  CHECK_OK(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_AUTO, &resp));
  CHECK(memcmp(before, &resp, sizeof resp) == 0); /* untouched: a no-op */
  cubie_memory_manager_destroy(&mm);
}

static void test_no_metadata_is_none(void) {
  long long shape[3] = {10, 5, 100}, runs = 100;
  cubie_array_request r = req("x", 3, shape, 2, -1, false, &runs);
  cubie_managed_array a;
  cubie_managed_array_init(&a, &r);
  CHECK(!a.has_chunks);
  CHECK_INT(a.num_chunks, 0); /* not 1: "none" is distinguishable from one chunk */
  cubie_array_slice s;
  CHECK_OK(cubie_managed_array_chunk_slice(&a, 0, &s));
  CHECK_INT(s.shape[2], 100);
  CHECK_OK(cubie_managed_array_chunk_slice(&a, 7, &s)); /* any k: the whole array */
  CHECK_INT(s.shape[0] * s.shape[1] * s.shape[2], 5000);
}

/* One run's trajectory (1000 saves x 2 outputs x 8 B = 16000 B) exceeds a
 * 10000-byte budget: auto resolves to the time axis, forcing run is an
 * error that says what to do, and time windows follow the budget. Arrays
 * without a time axis (status) stay whole for all runs. */
static void test_time_axis(void) {
  long long saves_shape[3] = {2, 4, 1000}, status_shape[1] = {4}, sums_shape[3] = {2, 4, 10};
  long long runs = 4;
  cubie_memory_manager *mm;
  CHECK_OK(cubie_memory_manager_create(10000, NULL, NULL, NULL, &mm));
  cubie_array_request saves = req("saves", 3, saves_shape, 1, 2, false, &runs);
  cubie_array_request status = req("status", 1, status_shape, 0, -1, false, &runs);
  cubie_array_request sums = req("summaries", 3, sums_shape, 1, 2, false, &runs);
  cubie_array_response resp;
  CHECK_OK(cubie_memory_manager_queue(mm, &saves));
  CHECK_OK(cubie_memory_manager_queue(mm, &status));
  CHECK_FAILS(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_RUN, &resp), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "chunk along time");

  CHECK_OK(cubie_memory_manager_queue(mm, &saves));
  CHECK_OK(cubie_memory_manager_queue(mm, &status));
  CHECK_OK(cubie_memory_manager_queue(mm, &sums));
  CHECK_OK(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_AUTO, &resp));
  CHECK_INT(resp.chunk_axis, CUBIE_CHUNK_AXIS_TIME);
  CHECK_INT(resp.extent, 1000);
  CHECK(resp.chunks >= 2);
  CHECK_INT(resp.chunk_length, (1000 + resp.chunks - 1) / resp.chunks);
  const cubie_array_allocation *sa = cubie_array_response_find(&resp, "saves");
  const cubie_array_allocation *st = cubie_array_response_find(&resp, "status");
  const cubie_array_allocation *su = cubie_array_response_find(&resp, "summaries");
  CHECK_INT(sa->chunked_shape[1], 4);                  /* every run resident */
  CHECK_INT(sa->chunked_shape[2], resp.chunk_length);  /* a window of saves */
  CHECK(!st->chunked);
  CHECK_INT(st->chunked_shape[0], 4);
  /* Summary windows are cut in proportion, plus one straddling window. */
  CHECK_INT(su->chunked_shape[2], (10 * resp.chunk_length + 999) / 1000 + 1);
  CHECK(cubie_memory_manager_last_chunk_bytes(mm) <= 10000);
  cubie_memory_manager_destroy(&mm);
}

/* Only DEVICE memory counts against the budget; host mirrors are sized alike. */
static void test_host_memory_not_counted(void) {
  long long shape[2] = {10, 100}, runs = 100;
  cubie_memory_manager *mm;
  CHECK_OK(cubie_memory_manager_create(8000, NULL, NULL, NULL, &mm));
  cubie_array_request dev = req("x", 2, shape, 1, -1, false, &runs);
  cubie_array_request host;
  CHECK_OK(cubie_array_request_init(&host, "host_x", CUBIE_DTYPE_FLOAT64, CUBIE_MEMORY_PINNED, 2,
                                    shape, 1, -1, false, &runs));
  CHECK_OK(cubie_memory_manager_queue(mm, &dev));
  CHECK_OK(cubie_memory_manager_queue(mm, &host));
  cubie_array_response resp;
  CHECK_OK(cubie_memory_manager_allocate_queue(mm, CUBIE_CHUNK_AXIS_AUTO, &resp));
  CHECK_INT(resp.chunks, 1); /* 8000 device bytes fit; the pinned copy does not count */
  CHECK_INT(cubie_array_response_find(&resp, "host_x")->chunked_shape[1], 100);
  cubie_memory_manager_destroy(&mm);
}

int main(void) {
  test_request_total_runs();
  test_four_chunks();
  test_dangling_chunk_slices();
  test_manager_chunk_length_formula();
  test_single_run();
  test_huge_total_runs();
  test_unchunkable_ignored();
  test_total_runs_errors();
  test_empty_queue();
  test_no_metadata_is_none();
  test_time_axis();
  test_host_memory_not_counted();
  CHECK_DONE();
}
