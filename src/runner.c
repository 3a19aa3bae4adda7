/* runner.c — the job on every rank (see runner.h). */
#include "runner.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "chunk_loop.h"
#include "decomposer.h"
#include "error.h"
#include "kernel_buffers.h"
#include "kernel_source.h"
#include "output.h"
#include "output_spec.h"

int cubie_runner_agree(MPI_Comm comm, int rc) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  int mine = rc ? rank : INT_MAX, first = INT_MAX;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == INT_MAX) return CUBIE_OK;
  int code = rc;
  MPI_Bcast(&code, 1, MPI_INT, first, comm);
  char message[4096];
  if (rank == first) snprintf(message, sizeof message, "%s", cubie_error_message());
  MPI_Bcast(message, (int)sizeof message, MPI_CHAR, first, comm);
  if (rc) return rc;
  return CUBIE_RAISE((cubie_err)code, "rank %d: %s", first, message);
}

/* Rank 0 compiles (or finds the binary in its cache); every rank receives
 * the bytes and loads them, so no other rank ever runs a compiler. */
static int compile_and_load(cubie_backend *b, const char *source, MPI_Comm comm,
                            cubie_run_report *report) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  cubie_binary bin;
  memset(&bin, 0, sizeof bin);
  int rc = CUBIE_OK;
  if (rank == 0) {
    double t = MPI_Wtime();
    rc = b->ops->compile(b->impl, source, &bin);
    report->compile_seconds = MPI_Wtime() - t;
    report->compiled_from_cache = bin.from_cache;
  }
  rc = cubie_runner_agree(comm, rc);
  if (rc) {
    cubie_binary_free(&bin);
    return rc;
  }
  unsigned long long size = bin.size;
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  MPI_Bcast(bin.key, (int)sizeof bin.key, MPI_CHAR, 0, comm);
  if (rank != 0) {
    bin.size = (size_t)size;
    bin.data = malloc(bin.size ? bin.size : 1);
    rc = bin.data ? CUBIE_OK : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory receiving the kernel");
  }
  rc = cubie_runner_agree(comm, rc);
  for (size_t off = 0; !rc && off < bin.size; off += (size_t)1 << 30) {
    size_t piece = bin.size - off < ((size_t)1 << 30) ? bin.size - off : ((size_t)1 << 30);
    MPI_Bcast(bin.data + off, (int)piece, MPI_BYTE, 0, comm);
  }
  if (!rc) rc = cubie_runner_agree(comm, b->ops->load(b->impl, &bin));
  cubie_binary_free(&bin);
  return rc;
}

int cubie_runner_buffer_layout(const cubie_job *job, cubie_buffer_registry **out) {
  const cubie_plan *p = job->plan;
  cubie_kernel_dims dims = {.n_states = cubie_model_n_states(job->model),
                            .n_parameters = cubie_model_n_parameters(job->model),
                            .n_outputs = p->n_outputs,
                            .n_metrics = p->n_metrics,
                            .stages = p->algorithm->stages,
                            .real_size = p->real_size};
  return cubie_kernel_buffers_create(&dims, job->cfg, out);
}

int cubie_runner_kernel_source(const cubie_job *job, cubie_buffer_registry *buffers,
                               const cubie_backend *backend, char **source) {
  *source = NULL;
  cubie_strbuf prologue, epilogue;
  CUBIE_CALL(cubie_strbuf_init(&prologue));
  int rc = cubie_strbuf_init(&epilogue);
  if (!rc) rc = cubie_buffer_registry_emit(buffers, &prologue);
  if (!rc) rc = cubie_kernel_buffers_checks(buffers, &epilogue);
  if (!rc) rc = cubie_strbuf_append(&epilogue, backend->ops->source_epilogue(backend->impl));
  if (!rc) {
    cubie_kernel_source_options kopts = {.prologue = prologue.data, .epilogue = epilogue.data};
    rc = cubie_kernel_source_build(job->plan, job->model, &kopts, source);
  }
  cubie_strbuf_free(&prologue);
  cubie_strbuf_free(&epilogue);
  return rc;
}

static int choose_backend(const cubie_job *job, MPI_Comm comm, cubie_backend **backend,
                          cubie_run_report *report) {
  const cubie_backend_ops *ops = NULL;
  int rc = cubie_backend_select(job->cfg->run.backend, &ops, report->backend_reason,
                                sizeof report->backend_reason);
  rc = cubie_runner_agree(comm, rc);
  if (rc) return rc;
  /* Every rank must run the same kind of backend: results are then
   * comparable run to run whatever rank computed them. */
  int mine = ops == &cubie_backend_cuda_ops, lo = 0, hi = 0;
  MPI_Allreduce(&mine, &lo, 1, MPI_INT, MPI_MIN, comm);
  MPI_Allreduce(&mine, &hi, 1, MPI_INT, MPI_MAX, comm);
  if (lo != hi) {
    ops = &cubie_backend_cpu_ops;
    snprintf(report->backend_reason, sizeof report->backend_reason,
             "cpu (auto: not every rank has a usable CUDA device)");
  }
  char cache_dir[4096];
  rc = cubie_cache_dir_resolve(job->cfg->run.cache_dir, cache_dir, sizeof cache_dir);
  if (!rc) {
    cubie_backend_options opts = {.cache_dir = cache_dir,
                                  .threads = job->cfg->run.threads,
                                  .device = 0,
                                  .block_size = job->cfg->run.block_size};
    rc = cubie_backend_create(ops, &opts, backend);
  }
  rc = cubie_runner_agree(comm, rc);
  if (rc) return rc;
  snprintf(report->backend, sizeof report->backend, "%s", ops->name);
  snprintf(report->device, sizeof report->device, "%s", (*backend)->description);
  return CUBIE_OK;
}

int cubie_runner_run(const cubie_job *job, MPI_Comm comm, const cubie_run_settings *settings,
                     cubie_run_report *report) {
  double t_start = MPI_Wtime();
  memset(report, 0, sizeof *report);
  int rank, n_ranks;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &n_ranks);
  report->n_ranks = n_ranks;
  report->total_runs = job->plan->total_runs;
  snprintf(report->file, sizeof report->file, "%s", job->cfg->output.file);

  cubie_backend *backend = NULL;
  char *source = NULL;
  cubie_output *output = NULL;
  cubie_output_spec_storage spec;
  memset(&spec, 0, sizeof spec);

  /* The layout is an input decision (the deck's buffers: section): every
   * rank finds the same error before any backend work starts. */
  cubie_buffer_registry *buffers = NULL;
  int rc = cubie_runner_agree(comm, cubie_runner_buffer_layout(job, &buffers));
  if (!rc) rc = choose_backend(job, comm, &backend, report);
  if (!rc) rc = cubie_runner_agree(comm, cubie_runner_kernel_source(job, buffers, backend, &source));
  if (!rc) rc = compile_and_load(backend, source, comm, report);

  cubie_chunk_loop loop;
  memset(&loop, 0, sizeof loop);
  loop.job = job;
  loop.backend = backend;
  loop.comm = comm;
  loop.block = cubie_decomposer_static_block(job->plan->total_runs, n_ranks, rank);
  loop.pipelined = settings ? !settings->sequential : true;
  loop.phase = settings ? settings->phase : CUBIE_PHASE_BOTH;
  if (!rc) rc = cubie_chunk_loop_prepare(&loop, true);
  if (!rc) {
    rc = cubie_output_spec_build(job, report, settings, loop.plan.run_chunk, &spec);
    rc = cubie_runner_agree(comm, rc);
  }
  if (!rc) rc = cubie_output_create(comm, &spec.spec, &output);

  long long failed = 0;
  if (!rc) {
    loop.output = output;
    rc = cubie_chunk_loop_run(&loop, &failed);
    report->plan = loop.plan;
    report->timing = loop.timing;
  }
  if (output) {
    /* A benchmark that ran half the pipeline did not produce a result. */
    bool complete = rc == CUBIE_OK && loop.phase == CUBIE_PHASE_BOTH;
    int close_rc = cubie_output_close(&output, complete);
    if (!rc) rc = close_rc;
  }
  long long failed_total = 0;
  MPI_Allreduce(&failed, &failed_total, 1, MPI_LONG_LONG, MPI_SUM, comm);
  report->failed_runs = failed_total;
  report->seconds = MPI_Wtime() - t_start;

  cubie_chunk_loop_free(&loop);
  cubie_output_spec_free(&spec);
  free(source);
  cubie_buffer_registry_destroy(&buffers);
  cubie_backend_destroy(&backend);
  return rc;
}
