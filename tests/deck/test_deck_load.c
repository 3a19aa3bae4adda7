/* test_deck_load — a deck with every key fills every field; absent keys get
 * the documented defaults; file reading, provenance and destroy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "deck/config.h"

/* One key per line so the marks below can be read off the line numbers. */
static const char *full_deck =
    "model:\n"                                                        /*  1 */
    "  name: osc\n"                                                   /*  2 */
    "  time_units: s\n"                                               /*  3 */
    "  states:\n"                                                     /*  4 */
    "    x: 1.5\n"                                                    /*  5 */
    "    v: {value: -0.25, units: m/s, long_name: \"velocity\"}\n"    /*  6 */
    "  parameters: {k: 4.0, c: {value: 0.1, units: 1/s}}\n"          /*  7 */
    "  constants: {g: 9.81}\n"                                        /*  8 */
    "  observables:\n"                                                /*  9 */
    "    energy: {units: J, long_name: total energy}\n"               /* 10 */
    "    power:\n"                                                    /* 11 */
    "  drivers: {}\n"                                                 /* 12 */
    "  equations: |\n"                                                /* 13 */
    "    dx = v\n"                                                    /* 14 */
    "    dv = -k * x - c * v\n"                                       /* 15 */
    "    energy = 0.5 * (v*v + k*x*x)\n"                              /* 16 */
    "integrator:\n"                                                   /* 17 */
    "  algorithm: dormand-prince\n"                                   /* 18 */
    "  step_control: pid\n"                                           /* 19 */
    "  atol: 1e-8\n"                                                  /* 20 */
    "  rtol: 1e-7\n"                                                  /* 21 */
    "  dt: 0.001\n"                                                   /* 22 */
    "  dt_min: 1e-10\n"                                               /* 23 */
    "  dt_max: 0.5\n"                                                 /* 24 */
    "  duration: 20.0\n"                                              /* 25 */
    "  t0: 1.0\n"                                                     /* 26 */
    "  settling_time: 2.0\n"                                          /* 27 */
    "  precision: float32\n"                                          /* 28 */
    "  max_steps: 2e5\n"                                              /* 29 */
    "  safety: 0.8\n"                                                 /* 30 */
    "  min_gain: 0.3\n"                                               /* 31 */
    "  max_gain: 5.0\n"                                               /* 32 */
    "  gains: [0.3, 0.4, 0.1]\n"                                      /* 33 */
    "batch:\n"                                                        /* 34 */
    "  grid: combinatorial\n"                                         /* 35 */
    "  sweep:\n"                                                      /* 36 */
    "    k: {linspace: [1.0, 5.0, 5]}\n"                              /* 37 */
    "    c: {logspace: [1e-3, 1e-1, 3]}\n"                            /* 38 */
    "    x: {values: [1.0, 2.0]}\n"                                   /* 39 */
    "    v: [0.0, 0.5, 1.0]\n"                                        /* 40 */
    "output:\n"                                                       /* 41 */
    "  file: out/osc.nc\n"                                            /* 42 */
    "  save_every: 0.5\n"                                             /* 43 */
    "  save: [x, v, energy]\n"                                        /* 44 */
    "  summaries:\n"                                                  /* 45 */
    "    every: 2.0\n"                                                /* 46 */
    "    metrics: [rms, max]\n"                                       /* 47 */
    "  compression: 4\n"                                              /* 48 */
    "run:\n"                                                          /* 49 */
    "  backend: cpu\n"                                                /* 50 */
    "  chunk_axis: time\n"                                            /* 51 */
    "  memory_limit: 64 MiB\n"                                        /* 52 */
    "  decomposition: dynamic\n"                                      /* 53 */
    "  threads: 3\n"                                                  /* 54 */
    "  block_size: 128\n"                                             /* 55 */
    "  dynamic_block: 4096\n"                                         /* 56 */
    "  cache_dir: /tmp/cubie-cache\n"                                 /* 57 */
    "  progress_interval: 2.5\n"                                      /* 58 */
    "buffers:\n"                                                      /* 59 */
    "  loop.state: shared\n"                                          /* 60 */
    "  algorithm.stages: persistent_local\n";                         /* 61 */

#define CHECK_MARK(m, l, c)     \
  do {                          \
    CHECK_INT((m).line, (l));   \
    CHECK_INT((m).column, (c)); \
    CHECK_INT((m).override, 0); \
  } while (0)

static void test_full_deck(void) {
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("decks/osc.yaml", full_deck, NULL, 0, &cfg));
  if (!cfg) return;
  CHECK_STR(cfg->path, "decks/osc.yaml");
  CHECK_STR(cfg->text, full_deck);
  CHECK_INT(cfg->n_overrides, 0);

  const cubie_model_config *m = &cfg->model;
  CHECK_STR(m->name, "osc");
  CHECK_STR(m->time_units, "s");
  CHECK_INT(m->n_states, 2);
  CHECK_STR(m->states[0].name, "x");
  CHECK(m->states[0].value == 1.5);
  CHECK(m->states[0].units == NULL && m->states[0].long_name == NULL);
  CHECK_MARK(m->states[0].mark, 5, 5);
  CHECK_STR(m->states[1].name, "v");
  CHECK(m->states[1].value == -0.25);
  CHECK_STR(m->states[1].units, "m/s");
  CHECK_STR(m->states[1].long_name, "velocity");
  CHECK_MARK(m->states[1].mark, 6, 5);
  CHECK_INT(m->n_parameters, 2);
  CHECK_STR(m->parameters[0].name, "k");
  CHECK(m->parameters[0].value == 4.0);
  CHECK_MARK(m->parameters[0].mark, 7, 16);
  CHECK_STR(m->parameters[1].name, "c");
  CHECK(m->parameters[1].value == 0.1);
  CHECK_STR(m->parameters[1].units, "1/s");
  CHECK_MARK(m->parameters[1].mark, 7, 24);
  CHECK_INT(m->n_constants, 1);
  CHECK_STR(m->constants[0].name, "g");
  CHECK(m->constants[0].value == 9.81);
  CHECK_INT(m->n_observables, 2);
  CHECK_STR(m->observables[0].name, "energy");
  CHECK_STR(m->observables[0].units, "J");
  CHECK_STR(m->observables[0].long_name, "total energy");
  CHECK(m->observables[0].value == 0.0);
  CHECK_STR(m->observables[1].name, "power");
  CHECK(m->observables[1].units == NULL);
  CHECK_MARK(m->observables[1].mark, 11, 5);
  CHECK_STR(m->equations, "dx = v\ndv = -k * x - c * v\nenergy = 0.5 * (v*v + k*x*x)\n");
  CHECK_MARK(m->equations_mark, 13, 14);
  CHECK_INT(m->n_equation_lines, 3);

  const cubie_integrator_config *in = &cfg->integrator;
  CHECK_STR(in->algorithm->name, "dopri5"); /* found by its alias */
  CHECK_MARK(in->algorithm_mark, 18, 14);
  CHECK_INT(in->step_control, CUBIE_CONTROLLER_PID);
  CHECK(in->atol == 1e-8);
  CHECK(in->rtol == 1e-7);
  CHECK(in->dt == 0.001 && in->dt_set);
  CHECK(in->dt_min == 1e-10);
  CHECK(in->dt_max == 0.5 && in->dt_max_set);
  CHECK(in->duration == 20.0);
  CHECK(in->t0 == 1.0);
  CHECK(in->settling_time == 2.0);
  CHECK_INT(in->precision, CUBIE_FLOAT32);
  CHECK_INT(in->max_steps, 200000);
  CHECK(in->safety == 0.8);
  CHECK(in->min_gain == 0.3);
  CHECK(in->max_gain == 5.0);
  CHECK(in->gains_set);
  CHECK(in->gains[0] == 0.3 && in->gains[1] == 0.4 && in->gains[2] == 0.1);

  const cubie_batch_config *b = &cfg->batch;
  CHECK_INT(b->grid, CUBIE_GRID_COMBINATORIAL);
  CHECK_INT(b->n_sweeps, 4);
  if (b->n_sweeps == 4) {
    CHECK_STR(b->sweeps[0].name, "k");
    CHECK_INT(b->sweeps[0].kind, CUBIE_SWEEP_LINSPACE);
    CHECK(b->sweeps[0].start == 1.0 && b->sweeps[0].stop == 5.0);
    CHECK_INT(b->sweeps[0].n, 5);
    CHECK_MARK(b->sweeps[0].mark, 37, 5);
    CHECK_STR(b->sweeps[1].name, "c");
    CHECK_INT(b->sweeps[1].kind, CUBIE_SWEEP_LOGSPACE);
    CHECK(b->sweeps[1].start == 1e-3 && b->sweeps[1].stop == 1e-1);
    CHECK_INT(b->sweeps[1].n, 3);
    CHECK_STR(b->sweeps[2].name, "x");
    CHECK_INT(b->sweeps[2].kind, CUBIE_SWEEP_VALUES);
    CHECK_INT(b->sweeps[2].n, 2);
    CHECK(b->sweeps[2].values[0] == 1.0 && b->sweeps[2].values[1] == 2.0);
    CHECK_STR(b->sweeps[3].name, "v");
    CHECK_INT(b->sweeps[3].kind, CUBIE_SWEEP_VALUES);
    CHECK_INT(b->sweeps[3].n, 3);
    CHECK(b->sweeps[3].values[2] == 1.0);
    CHECK_MARK(b->sweeps[3].mark, 40, 5);
  }

  const cubie_output_config *o = &cfg->output;
  CHECK_STR(o->file, "out/osc.nc");
  CHECK(o->save_every == 0.5 && o->save_every_set);
  CHECK_INT(o->n_save, 3);
  if (o->n_save == 3) {
    CHECK_STR(o->save[0], "x");
    CHECK_STR(o->save[2], "energy");
    CHECK_MARK(o->save_marks[0], 44, 10);
    CHECK_MARK(o->save_marks[1], 44, 13);
    CHECK_MARK(o->save_marks[2], 44, 16);
  }
  CHECK(o->summaries_set);
  CHECK(o->summary_every == 2.0);
  CHECK_INT(o->n_summary_requests, 2);
  if (o->n_summary_requests == 2) {
    CHECK_STR(o->summary_requests[0].metric, "rms");
    CHECK_STR(o->summary_requests[1].metric, "max");
    CHECK(o->summary_requests[1].variable == NULL); /* one list for every saved variable */
    CHECK_INT(o->summary_requests[1].count, 0);
    CHECK_MARK(o->summary_requests[1].mark, 47, 20);
  }
  CHECK_INT(o->compression, 4);

  const cubie_run_config *r = &cfg->run;
  CHECK_INT(r->backend, CUBIE_BACKEND_CPU);
  CHECK_INT(r->chunk_axis, CUBIE_CHUNK_AXIS_TIME);
  CHECK_INT(r->memory_limit, 64LL * 1024 * 1024);
  CHECK_INT(r->decomposition, CUBIE_DECOMP_DYNAMIC);
  CHECK_INT(r->threads, 3);
  CHECK_INT(r->block_size, 128);
  CHECK_INT(r->dynamic_block, 4096);
  CHECK_STR(r->cache_dir, "/tmp/cubie-cache");
  CHECK(r->progress_interval == 2.5);

  CHECK_INT(cfg->n_buffers, 2);
  if (cfg->n_buffers == 2) {
    CHECK_STR(cfg->buffers[0].name, "loop.state");
    CHECK_INT(cfg->buffers[0].location, CUBIE_LOCATION_SHARED);
    CHECK_MARK(cfg->buffers[0].mark, 60, 3);
    CHECK_STR(cfg->buffers[1].name, "algorithm.stages");
    CHECK_INT(cfg->buffers[1].location, CUBIE_LOCATION_PERSISTENT_LOCAL);
  }
  cubie_config_destroy(&cfg);
  CHECK(cfg == NULL);
}

/* Only the required keys: everything else is its documented default. */
static void test_defaults(void) {
  const char *deck =
      "model:\n"
      "  states: {y: 2.0, z: 3.0}\n"
      "  equations: \"dy = -y\"\n"
      "integrator:\n"
      "  duration: 4.0\n";
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("runs/decay.v2.yaml", deck, NULL, 0, &cfg));
  if (!cfg) return;
  CHECK_STR(cfg->model.name, "decay.v2"); /* base name, last extension removed */
  CHECK_STR(cfg->model.time_units, "1");
  CHECK_INT(cfg->model.n_parameters, 0);
  CHECK_INT(cfg->model.n_constants, 0);
  CHECK_INT(cfg->model.n_observables, 0);
  const cubie_integrator_config *in = &cfg->integrator;
  CHECK_STR(in->algorithm->name, "tsit5");
  CHECK_INT(in->step_control, cubie_algorithm_default_controller(in->algorithm));
  CHECK(in->atol == 1e-6 && in->rtol == 1e-6);
  CHECK(!in->dt_set);
  CHECK(in->dt_min == 1e-12);
  CHECK(!in->dt_max_set);
  CHECK(in->dt_max == 4.0); /* settling_time (0) + duration */
  CHECK(in->t0 == 0.0 && in->settling_time == 0.0);
  CHECK_INT(in->precision, CUBIE_FLOAT64);
  CHECK_INT(in->max_steps, 1000000);
  double safety, min_gain, max_gain, gains[3];
  cubie_controller_default_limits(in->step_control, in->algorithm, &safety, &min_gain, &max_gain);
  cubie_controller_default_gains(in->step_control, in->algorithm, gains);
  CHECK(in->safety == safety && in->min_gain == min_gain && in->max_gain == max_gain);
  CHECK(!in->gains_set);
  CHECK(in->gains[0] == gains[0] && in->gains[1] == gains[1] && in->gains[2] == gains[2]);
  CHECK_INT(cfg->batch.grid, CUBIE_GRID_COMBINATORIAL);
  CHECK_INT(cfg->batch.n_sweeps, 0);
  const cubie_output_config *o = &cfg->output;
  CHECK_STR(o->file, "decay.v2.nc");
  CHECK(!o->save_every_set);
  CHECK_INT(o->n_save, 2);
  if (o->n_save == 2) {
    CHECK_STR(o->save[0], "y");
    CHECK_STR(o->save[1], "z");
    CHECK_INT(o->save_marks[1].line, 2); /* blamed on the state declaration */
  }
  CHECK(!o->summaries_set);
  CHECK_INT(o->n_summary_requests, 0);
  CHECK_INT(o->compression, 0);
  const cubie_run_config *r = &cfg->run;
  CHECK_INT(r->backend, CUBIE_BACKEND_AUTO);
  CHECK_INT(r->chunk_axis, CUBIE_CHUNK_AXIS_AUTO);
  CHECK_INT(r->memory_limit, 0);
  CHECK_INT(r->decomposition, CUBIE_DECOMP_STATIC);
  CHECK_INT(r->threads, 0);
  CHECK_INT(r->block_size, 0);
  CHECK_INT(r->dynamic_block, 0);
  CHECK(r->cache_dir == NULL);
  CHECK(r->progress_interval == 30.0);
  CHECK_INT(cfg->n_buffers, 0);
  cubie_config_destroy(&cfg);
}

/* Nulls mean "unset" for optional keys; empty optional sections are fine. */
static void test_nulls_and_empty_sections(void) {
  const char *deck =
      "model:\n"
      "  name: ~\n"
      "  states: {x: 1}\n"
      "  parameters:\n"
      "  drivers: null\n"
      "  equations: dx = -x\n"
      "integrator:\n"
      "  algorithm: rk4\n"
      "  dt: 0.1\n"
      "  dt_max:\n"
      "  duration: 1\n"
      "  settling_time: 0.5\n"
      "batch:\n"
      "output: {summaries: null, save: ~}\n"
      "run: {memory_limit: null, cache_dir: NULL}\n"
      "buffers: {}\n";
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("nulls.yaml", deck, NULL, 0, &cfg));
  if (!cfg) return;
  CHECK_STR(cfg->model.name, "nulls");
  CHECK_INT(cfg->integrator.step_control, CUBIE_CONTROLLER_FIXED); /* rk4 has no error estimate */
  CHECK(!cfg->integrator.dt_max_set && cfg->integrator.dt_max == 1.5);
  CHECK_INT(cfg->output.n_save, 1);
  CHECK_INT(cfg->run.memory_limit, 0);
  CHECK(cfg->run.cache_dir == NULL);
  cubie_config_destroy(&cfg);
}

/* The summaries default to all four metrics; max_steps takes 1e6 as an integer. */
static void test_summary_defaults_and_integral_exponent(void) {
  const char *deck =
      "model: {states: {x: 1}, equations: dx = -x}\n"
      "integrator: {duration: 1, max_steps: 1e6}\n"
      "output: {save_every: 0.1, summaries: {every: 0.3}}\n";
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("d.yaml", deck, NULL, 0, &cfg));
  if (!cfg) return;
  CHECK_INT(cfg->integrator.max_steps, 1000000);
  CHECK_INT(cfg->output.n_summary_requests, 4);
  if (cfg->output.n_summary_requests == 4) {
    CHECK_STR(cfg->output.summary_requests[0].metric, "mean");
    CHECK_STR(cfg->output.summary_requests[3].metric, "rms");
  }
  cubie_config_destroy(&cfg);
}

static void test_files(void) {
  char dir[] = "/tmp/cubie_deck_XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[64];
  snprintf(path, sizeof path, "%s/decay.yaml", dir);
  const char *deck = "model: {states: {x: 1}, equations: dx = -x}\nintegrator: {duration: 1}\n";
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  fputs(deck, f);
  fclose(f);
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load(path, NULL, 0, &cfg));
  if (cfg) {
    CHECK_STR(cfg->path, path);
    CHECK_STR(cfg->text, deck);
    CHECK_STR(cfg->model.name, "decay");
  }
  cubie_config_destroy(&cfg);
  unlink(path);
  rmdir(dir);

  cfg = (cubie_config *)&cfg; /* must be reset to NULL on failure */
  CHECK_FAILS(cubie_config_load("no/such/deck.yaml", NULL, 0, &cfg), CUBIE_ERR_INPUT);
  CHECK(cfg == NULL);
  CHECK_STR(cubie_error_message(), "cannot read 'no/such/deck.yaml': No such file or directory");
  CHECK_FAILS(cubie_config_load("/tmp", NULL, 0, &cfg), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "cannot read '/tmp': ");
}

static void test_destroy_null_safety(void) {
  cubie_config_destroy(NULL);
  cubie_config *cfg = NULL;
  cubie_config_destroy(&cfg);
  CHECK(cfg == NULL);
  cubie_mark m = cubie_config_equation_mark(NULL, 1, 1);
  CHECK_INT(m.line, 0);
  /* error_at without a config still raises, with no position prefix to get wrong */
  cubie_mark none = {0, 0, 0};
  CHECK_INT(cubie_config_error_at(NULL, none, "plain %d", 7), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "plain 7");
}

int main(void) {
  test_full_deck();
  test_defaults();
  test_nulls_and_empty_sections();
  test_summary_defaults_and_integral_exponent();
  test_files();
  test_destroy_null_safety();
  CHECK_DONE();
}
