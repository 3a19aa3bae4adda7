/* runner.c — the job on every rank (see runner.h). */
#include "run/runner.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "run/chunk_loop.h"
#include "mpi/decomposer.h"
#include "util/error.h"
#include "kernel/kernel_buffers.h"
#include "kernel/kernel_source.h"
#include "output/output.h"
#include "mpi/binding.h"
#include "mpi/mpi_call.h"
#include "output/output_resume.h"
#include "output/output_spec.h"
#include "mpi/progress.h"
#include "plan/run_set.h"
#include "mpi/signals.h"
#include "mpi/timing.h"

/* Rank 0 compiles (or finds the binary in its cache); every rank receives
 * the bytes and loads them, so no other rank ever runs a compiler. */
static int compile_and_load(cubie_backend *b, const char *source, MPI_Comm comm,
                            cubie_run_report *report) {
  int rank;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  cubie_binary bin;
  memset(&bin, 0, sizeof bin);
  int rc = CUBIE_OK;
  if (rank == 0) {
    double t = cubie_timing_now();
    rc = b->ops->compile(b->impl, source, &bin);
    report->compile_seconds = cubie_timing_now() - t;
    report->compiled_from_cache = bin.from_cache;
  }
  rc = cubie_mpi_agree(comm, rc);
  if (rc) {
    cubie_binary_free(&bin);
    return rc;
  }
  unsigned long long size = bin.size;
  CUBIE_MPI_CALL_KEEP(rc, MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, 0, comm));
  CUBIE_MPI_CALL_KEEP(rc, MPI_Bcast(bin.key, (int)sizeof bin.key, MPI_CHAR, 0, comm));
  if (rc) {
    cubie_binary_free(&bin);
    return rc;
  }
  if (rank != 0) {
    bin.size = (size_t)size;
    bin.data = malloc(bin.size ? bin.size : 1);
    rc = bin.data ? CUBIE_OK : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory receiving the kernel");
  }
  rc = cubie_mpi_agree(comm, rc);
  for (size_t off = 0; !rc && off < bin.size; off += (size_t)1 << 30) {
    size_t piece = bin.size - off < ((size_t)1 << 30) ? bin.size - off : ((size_t)1 << 30);
    CUBIE_MPI_CALL_KEEP(rc, MPI_Bcast(bin.data + off, (int)piece, MPI_BYTE, 0, comm));
  }
  if (!rc) rc = cubie_mpi_agree(comm, b->ops->load(b->impl, &bin));
  cubie_binary_free(&bin);
  return rc;
}

int cubie_runner_buffer_layout(const cubie_job *job, cubie_buffer_registry **out) {
  cubie_kernel_dims dims;
  cubie_kernel_dims_of(job->plan, job->model, &dims);
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

int cubie_runner_choose_backend(const cubie_job *job, MPI_Comm comm, cubie_backend **backend,
                                cubie_binding *binding, char *why, size_t why_size) {
  *backend = NULL;
  const cubie_backend_ops *ops = NULL;
  int rc = cubie_mpi_agree(comm, cubie_backend_select(job->cfg->run.backend, &ops, why, why_size));
  if (rc) return rc;
  /* Every rank must run the same backend: results are then comparable run
   * to run whatever rank computed them. */
  int priority = cubie_backend_entry_of(ops)->priority;
  int range[2] = {priority, -priority}; /* least, -most: one MPI_MIN gives both */
  CUBIE_MPI_CALL(MPI_Allreduce(MPI_IN_PLACE, range, 2, MPI_INT, MPI_MIN, comm));
  if (range[0] != -range[1])
    rc = cubie_mpi_agree(comm, cubie_backend_select_common(range[0], -range[1], &ops, why,
                                                              why_size));
  if (rc) return rc;
  /* Rank -> device: node-local rank modulo the devices this rank sees
   * (design.md §9); recorded per rank in the log and the file. */
  char no_device[256];
  cubie_device_view view = {.n_devices = cubie_backend_device_count(ops, no_device, sizeof no_device),
                            .variable = ops->visible_devices_variable};
  view.visible = view.variable ? getenv(view.variable) : NULL;
  rc = cubie_mpi_agree(comm, cubie_binding_create(comm, &view, binding));
  if (rc) return rc;
  rc = cubie_backend_open(ops, &job->cfg->run, binding->self.device < 0 ? 0 : binding->self.device,
                          backend);
  return cubie_mpi_agree(comm, rc);
}

static int choose_backend(const cubie_job *job, MPI_Comm comm, cubie_backend **backend,
                          cubie_binding *binding, cubie_run_report *report) {
  CUBIE_CALL(cubie_runner_choose_backend(job, comm, backend, binding, report->backend_reason,
                                         sizeof report->backend_reason));
  snprintf(report->backend, sizeof report->backend, "%s", (*backend)->ops->name);
  snprintf(report->device, sizeof report->device, "%s", (*backend)->description);
  return CUBIE_OK;
}

void cubie_run_report_free(cubie_run_report *report) {
  cubie_strbuf_free(&report->timing_table);
  cubie_strbuf_free(&report->binding_table);
}

/* Close the file; rank 0 also records every rank's timing and device
 * binding in it, added to earlier attempts' (docs/scaling.md §4). */
_Static_assert(CUBIE_OUTPUT_TIMING_PHASES == CUBIE_TIMING_N_PHASES,
               "one timing variable per phase of mpi/timing.h");
static int cubie_runner_close(cubie_output **output, bool complete, const cubie_timing_table *table,
                              const cubie_binding *binding, const double *weights) {
  cubie_output_rank_records rec;
  memset(&rec, 0, sizeof rec);
  int n = table->n_ranks;
  int *node = NULL, *local = NULL, *device = NULL;
  const char **host = NULL, **visible = NULL;
  if (n > 0 && binding->n_ranks == n) {
    node = malloc((size_t)n * sizeof *node);
    local = malloc((size_t)n * sizeof *local);
    device = malloc((size_t)n * sizeof *device);
    host = malloc((size_t)n * sizeof *host);
    visible = malloc((size_t)n * sizeof *visible);
    if (node && local && device && host && visible) {
      for (int r = 0; r < n; r++) {
        node[r] = binding->ranks[r].node;
        local[r] = binding->ranks[r].local_rank;
        device[r] = binding->ranks[r].device;
        host[r] = binding->ranks[r].host;
        visible[r] = binding->ranks[r].visible_devices;
      }
      rec.node = node;
      rec.local_rank = local;
      rec.device = device;
      rec.host = host;
      rec.visible_devices = visible;
    }
  }
  rec.n_ranks = n;
  for (int p = 0; p < CUBIE_OUTPUT_TIMING_PHASES && n > 0; p++) rec.seconds[p] = table->seconds[p];
  rec.runs = table->runs;
  rec.weight = weights;
  for (int r = 0; r < n; r++)
    if (table->seconds[CUBIE_TIMING_TOTAL][r] > rec.elapsed) rec.elapsed = table->seconds[CUBIE_TIMING_TOTAL][r];
  int rc = cubie_output_close_with_records(output, complete, n > 0 ? &rec : NULL);
  free(node);
  free(local);
  free(device);
  free(host);
  free(visible);
  return rc;
}

/* The runs this job computes: all of them, or (--resume of an existing
 * file) those the file never received. Rank 0 reads the file; everyone
 * gets the ranges. Sets report->resumed / already_complete. */
static int choose_runs(const cubie_job *job, MPI_Comm comm, const cubie_run_settings *settings,
                       cubie_run_set *runs, cubie_run_report *report) {
  int rank;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  const cubie_config *cfg = job->cfg;
  long long header[3] = {0, 0, 0}; /* resuming?, ranges, complete? */
  cubie_output_state st;
  memset(&st, 0, sizeof st);
  int rc = CUBIE_OK;
  if (rank == 0 && settings && settings->resume && access(cfg->output.file, F_OK) == 0) {
    rc = cubie_output_inspect(cfg->output.file, &st);
    if (!rc) {
      char *joined = cubie_output_spec_overrides(cfg);
      bool same = joined && strcmp(st.deck, cfg->text) == 0 && strcmp(st.overrides, joined) == 0;
      free(joined);
      if (!same)
        rc = CUBIE_RAISE(CUBIE_ERR_INPUT,
                         "cannot resume '%s': it was written from a different deck or different "
                         "--set arguments (its cubie_deck / cubie_overrides attributes differ); "
                         "run the same deck, or write a new file",
                         cfg->output.file);
      else if (st.total_runs != job->plan->total_runs || st.n_saves != job->plan->n_saves)
        rc = CUBIE_RAISE(CUBIE_ERR_INPUT, "cannot resume '%s': it holds %lld runs x %lld saves, "
                         "the deck asks for %lld x %lld",
                         cfg->output.file, st.total_runs, st.n_saves, job->plan->total_runs,
                         job->plan->n_saves);
    }
    header[0] = 1;
    header[1] = st.n_missing_ranges;
    header[2] = st.complete;
  }
  rc = cubie_mpi_agree(comm, rc);
  if (rc) {
    cubie_output_state_free(&st);
    return rc;
  }
  CUBIE_MPI_CALL_KEEP(rc, MPI_Bcast(header, 3, MPI_LONG_LONG, 0, comm));
  if (rc) {
    cubie_output_state_free(&st);
    return rc;
  }
  report->resumed = header[0] != 0;
  report->already_complete = header[2] != 0;
  if (!report->resumed) return cubie_run_set_init_all(runs, job->plan->total_runs);
  long long *pairs = rank == 0 ? st.missing : malloc((size_t)(2 * header[1] + 2) * sizeof *pairs);
  rc = cubie_mpi_agree(comm, pairs || header[1] == 0 ? CUBIE_OK
                                 : CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory"));
  if (!rc && header[1] > 0)
    CUBIE_MPI_CALL_KEEP(rc, MPI_Bcast(pairs, (int)(2 * header[1]), MPI_LONG_LONG, 0, comm));
  if (!rc) rc = cubie_run_set_init_ranges(runs, pairs ? pairs : header, header[1]);
  if (rank != 0) free(pairs);
  cubie_output_state_free(&st);
  report->missing_runs = runs->total;
  return rc;
}

/* Seconds between the stop signal and the kill: the caller's, else
 * $CUBIE_SIGNAL_LEAD (slurm/run.sbatch exports its --signal lead), else
 * 0 (unknown). */
static double signal_lead(const cubie_run_settings *settings) {
  if (settings && settings->signal_lead > 0.0) return settings->signal_lead;
  const char *text = getenv("CUBIE_SIGNAL_LEAD");
  if (!text || !*text) return 0.0;
  char *end = NULL;
  double seconds = strtod(text, &end);
  return end != text && *end == '\0' && seconds > 0.0 ? seconds : 0.0;
}

/* Before the loop: items as long as the signal's lead time (or unbounded)
 * cannot all be stopped in time. After the first item the writer checks
 * the measured length too (writer.c). */
static void warn_unbounded_items(const cubie_chunk_loop *loop) {
  if (!loop->warn || !(loop->signal_lead > 0.0)) return;
  char message[512];
  if (loop->max_item_seconds <= 0.0)
    snprintf(message, sizeof message,
             "run.max_item_seconds is 0 (a work item is a whole chunk): a stop signal %.0f s before "
             "the time limit (CUBIE_SIGNAL_LEAD) is acted on only when a chunk ends; set "
             "run.max_item_seconds below %.0f",
             loop->signal_lead, loop->signal_lead);
  else if (loop->max_item_seconds >= loop->signal_lead)
    snprintf(message, sizeof message,
             "run.max_item_seconds (%g s) is not shorter than the %.0f s between the stop signal "
             "and the time limit (CUBIE_SIGNAL_LEAD): a work item under way may not finish in time; "
             "lower run.max_item_seconds or send the signal earlier (sbatch --signal=B:USR1@N)",
             loop->max_item_seconds, loop->signal_lead);
  else
    return;
  loop->warn(loop->warn_ctx, message);
}

static int calibrate_compute(void *ctx, long long start, long long count) {
  return cubie_chunk_loop_compute_only(ctx, start, count);
}

/* This rank's share of the virtual runs, and the chunk plan that fits it. */
static int decompose(cubie_chunk_loop *loop, double *weight) {
  const cubie_config *cfg = loop->job->cfg;
  int rank, n_ranks;
  CUBIE_MPI_CALL(MPI_Comm_rank(loop->comm, &rank));
  CUBIE_MPI_CALL(MPI_Comm_size(loop->comm, &n_ranks));
  long long m = loop->runs->total;
  loop->block = cubie_decomposer_static_block(m, n_ranks, rank);
  if (cfg->run.decomposition == CUBIE_DECOMP_DYNAMIC) {
    /* Plan arrays for one claimed block; claims never exceed one chunk. */
    long long min_fill = loop->backend->ops->run_fastest ? 65536 : 256;
    long long b = cubie_decomposer_dynamic_block_length(m, n_ranks, cfg->run.dynamic_block,
                                                        min_fill, 0);
    loop->block = (cubie_run_block){0, b};
    CUBIE_CALL(cubie_chunk_loop_prepare(loop, true));
    long long piece_runs = cubie_chunk_arrays_piece_runs(&loop->arrays);
    if (b > piece_runs) b = piece_runs;
    return cubie_run_counter_create(loop->comm, m, b, &loop->counter);
  }
  CUBIE_CALL(cubie_chunk_loop_prepare(loop, true));
  if (cfg->run.decomposition != CUBIE_DECOMP_WEIGHTED || n_ranks == 1 || m == 0) return CUBIE_OK;
  /* Weighted: time a sample of runs on every rank, split by the rates,
   * and plan again for the new (possibly larger) block. */
  long long piece_runs = cubie_chunk_arrays_piece_runs(&loop->arrays);
  long long sample = piece_runs < 256 ? piece_runs : 256;
  double *rates = malloc((size_t)n_ranks * sizeof *rates);
  CUBIE_CHECK(rates, CUBIE_ERR_MEMORY, "out of memory");
  cubie_run_block block;
  int rc = cubie_decomposer_calibrate(loop->comm, m, sample, calibrate_compute, loop, &block, rates);
  if (!rc) {
    *weight = rates[rank];
    cubie_chunk_loop_free(loop);
    loop->block = block;
    rc = cubie_chunk_loop_prepare(loop, true);
  }
  free(rates);
  return rc;
}

int cubie_runner_run(const cubie_job *job, MPI_Comm comm, const cubie_run_settings *settings,
                     cubie_run_report *report) {
  double t_start = cubie_timing_now();
  memset(report, 0, sizeof *report);
  cubie_strbuf_init(&report->timing_table);
  cubie_strbuf_init(&report->binding_table);
  int rank, n_ranks;
  CUBIE_MPI_CALL(MPI_Comm_rank(comm, &rank));
  CUBIE_MPI_CALL(MPI_Comm_size(comm, &n_ranks));
  report->n_ranks = n_ranks;
  report->total_runs = job->plan->total_runs;
  snprintf(report->file, sizeof report->file, "%s", job->cfg->output.file);
  cubie_rank_timing timing;
  memset(&timing, 0, sizeof timing);

  cubie_backend *backend = NULL;
  char *source = NULL;
  cubie_output *output = NULL;
  cubie_output_spec_storage spec;
  memset(&spec, 0, sizeof spec);
  cubie_binding binding;
  memset(&binding, 0, sizeof binding);
  cubie_run_set runs;
  memset(&runs, 0, sizeof runs);
  cubie_progress *progress = NULL;
  cubie_chunk_loop loop;
  memset(&loop, 0, sizeof loop);
  double weight = 0.0;

  /* The layout is an input decision (the deck's buffers: section): every
   * rank finds the same error before any backend work starts. */
  cubie_buffer_registry *buffers = NULL;
  int rc = cubie_mpi_agree(comm, cubie_runner_buffer_layout(job, &buffers));
  if (!rc) rc = choose_runs(job, comm, settings, &runs, report);
  if (!rc && report->already_complete) goto done;
  double t0 = cubie_timing_now();
  if (!rc) rc = choose_backend(job, comm, &backend, &binding, report);
  if (!rc && rank == 0 && binding.warning[0])
    snprintf(report->binding_warning, sizeof report->binding_warning, "%s", binding.warning);
  /* Said before the kernel is built and the first run starts, not after
   * the last one ends. */
  if (!rc && settings && settings->started) settings->started(settings->ctx, report);
  if (!rc) rc = cubie_mpi_agree(comm, cubie_runner_kernel_source(job, buffers, backend, &source));
  if (!rc) rc = compile_and_load(backend, source, comm, report);
  cubie_timing_add_since(&timing, CUBIE_TIMING_COMPILE, t0);

  loop.job = job;
  loop.backend = backend;
  loop.comm = comm;
  loop.runs = &runs;
  loop.memory_sharers = binding.self.memory_sharers;
  loop.pipelined = settings ? !settings->sequential : true;
  loop.phase = settings ? settings->phase : CUBIE_PHASE_BOTH;
  loop.max_item_seconds = job->cfg->run.max_item_seconds;
  loop.signal_lead = signal_lead(settings);
  if (rank == 0 && settings && settings->warn) {
    loop.warn = settings->warn;
    loop.warn_ctx = settings->ctx;
  }
  if (!rc) warn_unbounded_items(&loop);
  if (!rc) rc = cubie_mpi_agree(comm, decompose(&loop, &weight));
  bool dynamic = job->cfg->run.decomposition == CUBIE_DECOMP_DYNAMIC;
  if (!rc) {
    rc = cubie_output_spec_build(job, report, settings,
                                 cubie_chunk_arrays_piece_runs(&loop.arrays), &spec);
    spec.spec.collective = !dynamic; /* ranks claim different numbers of blocks */
    spec.spec.n_ranks = n_ranks;
    rc = cubie_mpi_agree(comm, rc);
  }
  t0 = cubie_timing_now();
  if (!rc) {
    if (report->resumed) rc = cubie_output_open(comm, &spec.spec, &output);
    else rc = cubie_output_create(comm, &spec.spec, &output);
  }
  cubie_timing_add_since(&timing, CUBIE_TIMING_WRITE, t0);
  if (!rc) {
    cubie_progress_options po =
        cubie_progress_defaults(runs.total, rank == 0 && settings && !settings->quiet ? stderr : NULL);
    po.interval = job->cfg->run.progress_interval;
    rc = cubie_mpi_agree(comm, cubie_progress_create(comm, &po, &progress));
  }

  long long failed = 0;
  if (!rc) {
    loop.output = output;
    loop.progress = progress;
    rc = cubie_chunk_loop_run(&loop, &failed);
    report->memory_budget = loop.budget;
    report->run_chunks = cubie_chunk_arrays_run_chunks(&loop.arrays);
    report->windows = cubie_chunk_arrays_windows(&loop.arrays);
    report->items = loop.items;
    report->item_seconds = loop.item_seconds;
    report->timing = loop.timing;
  }
  if (progress) {
    int prc = cubie_progress_finish(progress, NULL);
    cubie_progress_destroy(&progress);
    if (!rc) rc = prc;
  }
  if (loop.counter) {
    int crc = cubie_run_counter_destroy(&loop.counter);
    if (!rc) rc = crc;
  }
  long long done_here = loop.runs_done, done_total = 0;
  CUBIE_MPI_CALL_KEEP(rc, MPI_Allreduce(&done_here, &done_total, 1, MPI_LONG_LONG, MPI_SUM, comm));
  int stop_signal = 0;
  CUBIE_MPI_CALL_KEEP(rc, MPI_Allreduce(&loop.stop_signal, &stop_signal, 1, MPI_INT, MPI_MAX, comm));
  report->computed_runs = done_total;
  timing.seconds[CUBIE_TIMING_COMPUTE] = loop.timing.compute;
  timing.seconds[CUBIE_TIMING_TRANSFER] = loop.timing.transfer;
  timing.seconds[CUBIE_TIMING_WRITE] += loop.timing.write;
  timing.seconds[CUBIE_TIMING_WRITE_WAIT] = loop.timing.write_wait;
  timing.seconds[CUBIE_TIMING_WAIT] = loop.timing.wait;
  timing.runs = done_here;

  if (output) {
    /* Complete only when every run of the file has its records: a benchmark
     * that ran half the pipeline, or a job stopped by a signal, is not. */
    bool complete = rc == CUBIE_OK && loop.phase == CUBIE_PHASE_BOTH && done_total == runs.total;
    /* The close is collective: what a rank waits there for the others is
     * write_wait, not write. */
    t0 = cubie_timing_now();
    CUBIE_MPI_CALL_KEEP(rc, MPI_Barrier(comm));
    cubie_timing_add_since(&timing, CUBIE_TIMING_WRITE_WAIT, t0);
    t0 = cubie_timing_now();
    timing.seconds[CUBIE_TIMING_TOTAL] = t0 - t_start;
    cubie_timing_table table;
    memset(&table, 0, sizeof table);
    int trc = cubie_timing_gather(comm, 0, &timing, &table);
    double *weights = NULL;
    if (!trc && job->cfg->run.decomposition == CUBIE_DECOMP_WEIGHTED) {
      weights = rank == 0 ? malloc((size_t)n_ranks * sizeof *weights) : NULL;
      CUBIE_MPI_CALL_KEEP(trc, MPI_Gather(&weight, 1, MPI_DOUBLE, weights, 1, MPI_DOUBLE, 0, comm));
    }
    int close_rc = cubie_runner_close(&output, complete, &table, &binding, weights);
    timing.seconds[CUBIE_TIMING_WRITE] += cubie_timing_now() - t0;
    if (rank == 0 && table.n_ranks > 0) cubie_timing_format(&table, 32, &report->timing_table);
    free(weights);
    cubie_timing_table_free(&table);
    if (!rc) rc = trc;
    if (!rc) rc = close_rc;
    if (!rc && !complete && stop_signal)
      rc = cubie_signals_interrupted(stop_signal, done_total, runs.total, job->cfg->output.file);
  }
  if (rank == 0 && binding.n_ranks > 0) cubie_binding_format(&binding, &report->binding_table);
  long long failed_total = 0;
  CUBIE_MPI_CALL_KEEP(rc, MPI_Allreduce(&failed, &failed_total, 1, MPI_LONG_LONG, MPI_SUM, comm));
  report->failed_runs = failed_total;

done:
  report->seconds = cubie_timing_now() - t_start;
  cubie_chunk_loop_free(&loop);
  cubie_output_spec_free(&spec);
  cubie_run_set_free(&runs);
  cubie_binding_free(&binding);
  free(source);
  cubie_buffer_registry_destroy(&buffers);
  cubie_backend_destroy(&backend);
  return rc;
}
