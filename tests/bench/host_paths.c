/* host_paths — what the GPU path costs the host, per run, on the CPU alone
 * (docs/benchmarks.md, "The GPU path's host side"): decoding a chunk's
 * inputs from the grid (what the host did per run before issue 10, and still
 * does for grids the kernel cannot decode), decoding only the swept values
 * the file records, and reordering a block of results from the device's
 * run-fastest layout to the file's run-major one (cubie_transpose: the
 * fallback when the backend has no device reorder).
 *
 * Usage: host_paths DECK.yaml [RUNS] [SAVES]. Prints one line per measure:
 * "NAME ns_per_unit UNIT". Best of 5. Asserts nothing about time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory/layout.h"
#include "plan/job.h"
#include "util/clock.h"
#include "util/error.h"

static double best_of(int reps, double *samples) {
  double b = samples[0];
  for (int i = 1; i < reps; i++)
    if (samples[i] < b) b = samples[i];
  return b;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: host_paths DECK.yaml [RUNS] [SAVES]\n");
    return 2;
  }
  long long runs = argc > 2 ? atoll(argv[2]) : (1ll << 20);
  long long saves = argc > 3 ? atoll(argv[3]) : 101;
  cubie_job_overrides ov = {.backend = -1, .threads = -1};
  cubie_job *job = NULL;
  if (cubie_job_prepare(argv[1], &ov, &job) != CUBIE_OK) {
    fprintf(stderr, "host_paths: %s\n", cubie_error_message());
    return 1;
  }
  const cubie_grid *g = job->grid;
  long long total = cubie_grid_total_runs(g);
  if (runs > total) runs = total;
  int ns = cubie_model_n_states(job->model), np = cubie_model_n_parameters(job->model);
  int axes = cubie_grid_n_axes(g);
  float *y0 = malloc((size_t)(runs * ns) * sizeof *y0);
  float *p = malloc((size_t)(runs * np) * sizeof *p);
  double *swept = malloc((size_t)(runs * (axes ? axes : 1)) * sizeof *swept);
  double t[5];
  cubie_grid_block block = {.initial_values = y0, .parameters = p, .f32 = true, .swept = swept};
  for (int r = 0; r < 5; r++) {
    double t0 = cubie_timing_now();
    cubie_grid_decode(g, 0, runs, &block);
    t[r] = cubie_timing_now() - t0;
  }
  printf("decode_inputs %.2f ns/run (%d states, %d parameters, %d axes, %lld runs)\n",
         best_of(5, t) / (double)runs * 1e9, ns, np, axes, runs);
  double sink = 0.0;
  for (int r = 0; r < 5; r++) {
    double t0 = cubie_timing_now();
    for (int a = 0; a < axes; a++)
      for (long long i = 0; i < runs; i++) swept[a * runs + i] = cubie_grid_axis_value(g, a, i);
    t[r] = cubie_timing_now() - t0;
    sink += swept[runs - 1];
  }
  printf("decode_swept %.2f ns/run (%d axes)\n", best_of(5, t) / (double)runs * 1e9, axes);
  /* A block of 4 outputs x SAVES save points x RUNS/16 runs (keeps it in memory). */
  long long tr = runs / 16 > 0 ? runs / 16 : 1, outer = 4;
  size_t n = (size_t)(outer * saves * tr);
  float *src = malloc(n * sizeof *src), *dst = malloc(n * sizeof *dst);
  for (size_t i = 0; i < n; i++) src[i] = (float)i;
  for (int r = 0; r < 5; r++) {
    double t0 = cubie_timing_now();
    cubie_transpose(dst, src, outer, saves, tr, sizeof(float));
    t[r] = cubie_timing_now() - t0;
  }
  printf("transpose %.3f ns/element (%lld x %lld x %lld float32, %.1f MB)\n",
         best_of(5, t) / (double)n * 1e9, outer, saves, tr, (double)n * 4e-6);
  int bad = dst[1] != src[tr] ? 1 : 0; /* [0][run 0][save 1] is [0][save 1][run 0] */
  free(src);
  free(dst);
  free(y0);
  free(p);
  free(swept);
  cubie_job_destroy(&job);
  return bad || sink != sink;
}
