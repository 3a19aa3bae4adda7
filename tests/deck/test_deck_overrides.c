/* test_deck_overrides — `--set path=value`: replace, add, deep paths, list
 * and mapping values, sweeps, buffers, order (later wins), and the errors
 * for malformed or unknown paths, which name the --set argument. */
#include <string.h>

#include "check.h"
#include "deck/config.h"

static const char *deck =
    "model:\n"
    "  states: {x: 1.0}\n"
    "  parameters: {sigma: 10.0, k: 2.0}\n"
    "  equations: dx = -k * x\n"
    "integrator:\n"
    "  rtol: 1e-6\n"
    "  duration: 5.0\n"
    "  dt_max: 0.5\n"
    "batch:\n"
    "  sweep:\n"
    "    k: {values: [1, 2]}\n";

static cubie_config *load_with(const char *const *set, int n) {
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("o.yaml", deck, set, n, &cfg));
  return cfg;
}

static void test_replace_add_and_order(void) {
  const char *set[] = {"integrator.rtol=1e-3", "integrator.dt_min=1e-9", "integrator.rtol=1e-8",
                       "run.memory_limit=1MiB", "model.parameters.sigma=11", "integrator.dt_max="};
  cubie_config *cfg = load_with(set, 6);
  if (!cfg) return;
  CHECK(cfg->integrator.rtol == 1e-8); /* later wins */
  CHECK(cfg->integrator.dt_min == 1e-9);
  CHECK_INT(cfg->run.memory_limit, 1 << 20); /* a section the deck did not have */
  CHECK_INT(cfg->model.n_parameters, 2);
  CHECK_STR(cfg->model.parameters[0].name, "sigma");
  CHECK(cfg->model.parameters[0].value == 11.0);
  CHECK_INT(cfg->model.parameters[0].mark.line, 3); /* the name still comes from the deck */
  CHECK(!cfg->integrator.dt_max_set);               /* an empty value unsets */
  CHECK(cfg->integrator.dt_max == 5.0);
  CHECK_INT(cfg->n_overrides, 6);
  for (int i = 0; i < 6 && i < cfg->n_overrides; i++) CHECK_STR(cfg->overrides[i], set[i]);
  CHECK_STR(cfg->text, deck); /* provenance is the deck as written */
  cubie_config_destroy(&cfg);
}

static void test_structured_values(void) {
  const char *set[] = {"batch.sweep.rho.linspace=[0,21,8]", "batch.sweep.k.logspace=[1, 100, 3]",
                       "batch.sweep.x=[1.0, 2.0, 3.0]",     "model.states.y={value: 2, units: m}",
                       "output.save=[y, x]",                "integrator.gains=[0.5, -0.2]",
                       "buffers.loop.state=local",          "batch.grid=combinatorial"};
  cubie_config *cfg = load_with(set, 8);
  if (!cfg) return;
  CHECK_INT(cfg->batch.n_sweeps, 3);
  if (cfg->batch.n_sweeps == 3) {
    /* k keeps its place; its kind switched (the whole entry was replaced) */
    CHECK_STR(cfg->batch.sweeps[0].name, "k");
    CHECK_INT(cfg->batch.sweeps[0].kind, CUBIE_SWEEP_LOGSPACE);
    CHECK(cfg->batch.sweeps[0].start == 1.0 && cfg->batch.sweeps[0].stop == 100.0);
    CHECK_INT(cfg->batch.sweeps[0].n, 3);
    CHECK_INT(cfg->batch.sweeps[0].mark.line, 11);
    CHECK_STR(cfg->batch.sweeps[1].name, "rho");
    CHECK_INT(cfg->batch.sweeps[1].kind, CUBIE_SWEEP_LINSPACE);
    CHECK(cfg->batch.sweeps[1].start == 0.0 && cfg->batch.sweeps[1].stop == 21.0);
    CHECK_INT(cfg->batch.sweeps[1].n, 8);
    CHECK_INT(cfg->batch.sweeps[1].mark.line, 0);
    CHECK_INT(cfg->batch.sweeps[1].mark.override, 1);
    CHECK_STR(cfg->batch.sweeps[2].name, "x");
    CHECK_INT(cfg->batch.sweeps[2].kind, CUBIE_SWEEP_VALUES);
    CHECK_INT(cfg->batch.sweeps[2].n, 3);
  }
  CHECK_INT(cfg->model.n_states, 2);
  if (cfg->model.n_states == 2) {
    CHECK_STR(cfg->model.states[1].name, "y");
    CHECK(cfg->model.states[1].value == 2.0);
    CHECK_STR(cfg->model.states[1].units, "m");
    CHECK_INT(cfg->model.states[1].mark.override, 4);
  }
  CHECK_INT(cfg->output.n_save, 2);
  if (cfg->output.n_save == 2) {
    CHECK_STR(cfg->output.save[0], "y");
    CHECK_INT(cfg->output.save_marks[0].override, 5);
  }
  CHECK(cfg->integrator.gains_set && cfg->integrator.gains[0] == 0.5 && cfg->integrator.gains[1] == -0.2);
  CHECK_INT(cfg->n_buffers, 1);
  if (cfg->n_buffers == 1) {
    CHECK_STR(cfg->buffers[0].name, "loop.state"); /* the rest of a buffers path is one key */
    CHECK_INT(cfg->buffers[0].location, CUBIE_LOCATION_LOCAL);
  }
  cubie_config_destroy(&cfg);
}

static void expect_set_error(const char *arg, const char *message) {
  const char *set[] = {"integrator.atol=1e-7", arg};
  cubie_config *cfg = NULL;
  CHECK_FAILS(cubie_config_load_text("o.yaml", deck, set, 2, &cfg), CUBIE_ERR_INPUT);
  CHECK(cfg == NULL);
  char expected[1024];
  snprintf(expected, sizeof expected, "--set '%s': %s", arg, message);
  CHECK_STR(cubie_error_message(), expected);
}

static void test_errors(void) {
  expect_set_error("integrator.rtoll=1e-8", "unknown key 'rtoll' in integrator; did you mean 'rtol'?");
  expect_set_error("integratr.rtol=1e-8", "unknown key 'integratr' at the top level of the deck; did you mean 'integrator'?");
  expect_set_error("batch.sweep.k.linspce=[0,1,2]", "unknown key 'linspce' in batch.sweep.k; did you mean 'linspace'?");
  expect_set_error("integrator.rtol", "expected section.key=value (no '=' found)");
  expect_set_error("=3", "the key path before '=' is empty");
  expect_set_error("integrator..rtol=3", "malformed key path (empty name between dots, or deeper than 16 keys)");
  expect_set_error("integrator.rtol.=3", "malformed key path (empty name between dots, or deeper than 16 keys)");
  expect_set_error("integrator.atol=abc", "integrator.atol must be a number, not 'abc'");
  expect_set_error("integrator.atol=\"1e-6\"",
                   "integrator.atol must be a number, not the quoted string \"1e-6\" (quoted values are strings; remove the quotes)");
  expect_set_error("integrator.duration=", "integrator.duration must be a number, not null");
  expect_set_error("integrator.duration.x=1", "'duration' in the path is a single value, not a mapping; cannot set 'x' inside it");
  expect_set_error("run.memory_limit=1XB", "run.memory_limit '1XB' is not a valid size: unknown unit; use B, kB, MB, GB, TB or KiB, MiB, GiB, TiB");
  expect_set_error("integrator.algorithm=tsit", "unknown algorithm 'tsit'; did you mean 'tsit5'?");
  /* the value is YAML: its own syntax errors name the argument too */
  const char *set[] = {"integrator.gains=[1,"};
  cubie_config *cfg = NULL;
  CHECK_FAILS(cubie_config_load_text("o.yaml", deck, set, 1, &cfg), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "--set 'integrator.gains=[1,': YAML syntax error in the value: ");
  const char *dup[] = {"model.states={a: 1, a: 2}"};
  CHECK_FAILS(cubie_config_load_text("o.yaml", deck, dup, 1, &cfg), CUBIE_ERR_INPUT);
  CHECK_STR(cubie_error_message(), "--set 'model.states={a: 1, a: 2}': duplicate key 'a'");
}

int main(void) {
  test_replace_add_and_order();
  test_structured_values();
  test_errors();
  CHECK_DONE();
}
