/* config_integrator.c — the `integrator:` section: algorithm, step
 * control, tolerances and the time span, with their consistency checks
 * (see config_sections.h). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deck/config_sections.h"
#include "util/error.h"

static const char *const integrator_keys[] = {
    "algorithm", "step_control", "atol",     "rtol",      "dt",      "dt_min",   "dt_max",
    "duration",  "t0",           "settling_time", "precision", "max_steps", "safety", "min_gain",
    "max_gain",  "gains",        "linear_solver"};
static const char *const precision_names[] = {"float32", "float64"};

/* Algorithm names and every alias, for suggestions; canonical names only
 * for the "expected one of" list. */
static int unknown_algorithm(const cubie_config *cfg, const cubie_ynode *node) {
  const char *names[64], *candidates[192];
  char alias_words[2048];
  int n_names = 0, n_candidates = 0;
  size_t used = 0;
  for (int i = 0; i < cubie_algorithm_count() && n_names < 64; i++) {
    const cubie_algorithm_info *a = cubie_algorithm_at(i);
    names[n_names++] = a->name;
    candidates[n_candidates++] = a->name;
    const char *p = a->aliases;
    while (*p && n_candidates < 192) {
      while (*p == ' ') p++;
      size_t len = strcspn(p, " ");
      if (len == 0 || used + len + 1 > sizeof alias_words) break;
      memcpy(alias_words + used, p, len);
      alias_words[used + len] = '\0';
      candidates[n_candidates++] = alias_words + used;
      used += len + 1;
      p += len;
    }
  }
  return cubie_deck_unknown_choice(cfg, node->mark, "algorithm", node->text, candidates, n_candidates, names,
                                   n_names);
}

static int read_algorithm(cubie_config *cfg, const cubie_deck_section *s) {
  cubie_integrator_config *in = &cfg->integrator;
  cubie_mark key_mark;
  const cubie_ynode *node = cubie_deck_get(s, "algorithm", &key_mark);
  in->algorithm = cubie_algorithm_find("tsit5");
  in->algorithm_mark = s->mark;
  if (cubie_deck_is_unset(node)) return CUBIE_OK;
  if (node->kind != CUBIE_YNODE_SCALAR) {
    char buf[96];
    return cubie_config_error_at(cfg, node->mark, "integrator.algorithm must be a name, not %s",
                                 cubie_deck_describe(node, buf, sizeof buf));
  }
  in->algorithm_mark = node->mark;
  in->algorithm = cubie_algorithm_find(node->text);
  if (!in->algorithm) return unknown_algorithm(cfg, node);
  return CUBIE_OK;
}

/* integrator.linear_solver: a name of kernels/linear_solvers.def or `auto`;
 * a listed solver that is not available yet is refused here, at its deck
 * position, before anything runs. */
static int read_linear_solver(cubie_config *cfg, const cubie_deck_section *s) {
  cubie_integrator_config *in = &cfg->integrator;
  int kind = CUBIE_LINEAR_SOLVER_AUTO;
  in->linear_solver_mark = s->mark;
  CUBIE_CALL(cubie_deck_choice(cfg, s, "linear_solver", "linear solver", cubie_linear_solver_names(),
                               CUBIE_LINEAR_SOLVER_KINDS, &kind, &in->linear_solver_mark));
  in->linear_solver = (cubie_linear_solver)kind;
  const cubie_linear_solver_info *info = cubie_linear_solver_at(in->linear_solver);
  if (info && !info->available)
    return cubie_config_error_at(cfg, in->linear_solver_mark,
                                 "integrator.linear_solver '%s' is not available yet (%s); use "
                                 "auto or dense",
                                 info->name, info->description);
  return CUBIE_OK;
}

/* `value` must lie in the open/closed interval given by the flags. */
static int check_range(const cubie_config *cfg, cubie_mark mark, const char *what, double value, double lo,
                       bool lo_open, double hi, bool hi_open) {
  bool ok = (lo_open ? value > lo : value >= lo) && (hi_open ? value < hi : value <= hi);
  if (ok) return CUBIE_OK;
  if (isinf(hi))
    return cubie_config_error_at(cfg, mark, "%s must be %s %g, not %g", what, lo_open ? ">" : ">=", lo, value);
  return cubie_config_error_at(cfg, mark, "%s must be in %s%g, %g%s, not %g", what, lo_open ? "(" : "[", lo,
                               hi, hi_open ? ")" : "]", value);
}

static int read_gains(cubie_config *cfg, const cubie_deck_section *s) {
  cubie_integrator_config *in = &cfg->integrator;
  int want = cubie_controller_gain_count(in->step_control);
  cubie_controller_default_gains(in->step_control, in->algorithm, in->gains);
  const cubie_ynode *node = cubie_deck_get(s, "gains", NULL);
  if (cubie_deck_is_unset(node)) return CUBIE_OK;
  CUBIE_CALL(cubie_deck_node_list(cfg, node, "integrator.gains"));
  if (node->n != want)
    return cubie_config_error_at(cfg, node->mark,
                                 "integrator.gains must have %d entr%s for step_control %s, not %d", want,
                                 want == 1 ? "y" : "ies", cubie_controller_name(in->step_control), node->n);
  for (int i = 0; i < node->n; i++) {
    char what[64];
    snprintf(what, sizeof what, "integrator.gains[%d]", i);
    CUBIE_CALL(cubie_deck_node_number(cfg, node->items[i], what, &in->gains[i]));
  }
  in->gains_set = true;
  return CUBIE_OK;
}

int cubie_config_check_time_length(const cubie_config *cfg, cubie_mark mark, const char *what,
                                   double length) {
  const cubie_integrator_config *in = &cfg->integrator;
  double end = in->t0 + in->settling_time + in->duration;
  double largest = fmax(fabs(in->t0), fabs(end));
  if (!isfinite(largest))
    return cubie_config_error_at(cfg, mark,
                                 "integrator.t0 + settling_time + duration overflows (t0 = %g): "
                                 "time must stay a finite float64",
                                 in->t0);
  double spacing = nextafter(largest, INFINITY) - largest;
  double needed = CUBIE_TIME_RESOLUTION_STEPS * spacing;
  if (length >= needed) return CUBIE_OK;
  return cubie_config_error_at(
      cfg, mark,
      "%s (%g) is below the resolution of time: near t = %g consecutive float64 times are %g "
      "apart, and steps and save points must span at least %.0f of them (%g) to land where they "
      "should; measure time from the start of the run (t0 closer to 0) or make %s longer",
      what, length, largest, spacing, CUBIE_TIME_RESOLUTION_STEPS, needed, what);
}

int cubie_config_read_integrator(cubie_config *cfg, const cubie_deck_section *top) {
  cubie_integrator_config *in = &cfg->integrator;
  cubie_deck_section s;
  CUBIE_CALL(cubie_deck_section_open(cfg, top, "integrator", &s));
  if (!s.map) return cubie_deck_missing(cfg, top, "integrator");
  CUBIE_CALL(cubie_deck_check_keys(cfg, &s, integrator_keys, (int)(sizeof integrator_keys / sizeof *integrator_keys)));

  CUBIE_CALL(read_algorithm(cfg, &s));
  int controller = (int)cubie_algorithm_default_controller(in->algorithm);
  cubie_mark controller_mark = in->algorithm_mark;
  bool controller_set = !cubie_deck_is_unset(cubie_deck_get(&s, "step_control", NULL));
  CUBIE_CALL(cubie_deck_choice(cfg, &s, "step_control", "step_control", cubie_controller_names(),
                               CUBIE_N_CONTROLLERS, &controller, &controller_mark));
  in->step_control = (cubie_controller)controller;
  CUBIE_CALL(read_linear_solver(cfg, &s));

  /* Marks default to the section so defaulted values still blame something. */
  cubie_mark atol_m = s.mark, rtol_m = s.mark, dt_m = s.mark, dt_min_m = s.mark, dt_max_m = s.mark,
             dur_m = s.mark, settle_m = s.mark, safety_m = s.mark, min_gain_m = s.mark, max_gain_m = s.mark;
  bool dt_min_set = false;
  in->atol = in->rtol = 1e-6;
  in->dt_min = 1e-12;
  CUBIE_CALL(cubie_deck_number(cfg, &s, "atol", false, &in->atol, NULL, &atol_m));
  CUBIE_CALL(check_range(cfg, atol_m, "integrator.atol", in->atol, 0.0, true, INFINITY, false));
  CUBIE_CALL(cubie_deck_number(cfg, &s, "rtol", false, &in->rtol, NULL, &rtol_m));
  CUBIE_CALL(check_range(cfg, rtol_m, "integrator.rtol", in->rtol, 0.0, true, INFINITY, false));
  CUBIE_CALL(cubie_deck_number(cfg, &s, "dt", false, &in->dt, &in->dt_set, &dt_m));
  if (in->dt_set) CUBIE_CALL(check_range(cfg, dt_m, "integrator.dt", in->dt, 0.0, true, INFINITY, false));
  CUBIE_CALL(cubie_deck_number(cfg, &s, "dt_min", false, &in->dt_min, &dt_min_set, &dt_min_m));
  CUBIE_CALL(check_range(cfg, dt_min_m, "integrator.dt_min", in->dt_min, 0.0, true, INFINITY, false));
  CUBIE_CALL(cubie_deck_number(cfg, &s, "dt_max", false, &in->dt_max, &in->dt_max_set, &dt_max_m));
  if (in->dt_max_set)
    CUBIE_CALL(check_range(cfg, dt_max_m, "integrator.dt_max", in->dt_max, 0.0, true, INFINITY, false));
  CUBIE_CALL(cubie_deck_number(cfg, &s, "duration", true, &in->duration, NULL, &dur_m));
  CUBIE_CALL(check_range(cfg, dur_m, "integrator.duration", in->duration, 0.0, true, INFINITY, false));
  cubie_mark t0_m = s.mark;
  CUBIE_CALL(cubie_deck_number(cfg, &s, "t0", false, &in->t0, NULL, &t0_m));
  CUBIE_CALL(cubie_deck_number(cfg, &s, "settling_time", false, &in->settling_time, NULL, &settle_m));
  CUBIE_CALL(check_range(cfg, settle_m, "integrator.settling_time", in->settling_time, 0.0, false, INFINITY, false));
  if (!isfinite(in->t0 + in->settling_time + in->duration))
    return cubie_config_error_at(cfg, t0_m,
                                 "integrator.t0 + settling_time + duration overflows (t0 = %g): "
                                 "time must stay a finite float64",
                                 in->t0);
  CUBIE_CALL(cubie_config_check_time_length(cfg, dur_m, "integrator.duration", in->duration));
  if (in->settling_time > 0)
    CUBIE_CALL(cubie_config_check_time_length(cfg, settle_m, "integrator.settling_time",
                                              in->settling_time));
  if (in->dt_set) CUBIE_CALL(cubie_config_check_time_length(cfg, dt_m, "integrator.dt", in->dt));

  int precision = CUBIE_FLOAT64;
  CUBIE_CALL(cubie_deck_choice(cfg, &s, "precision", "precision", precision_names, 2, &precision, NULL));
  in->precision = (cubie_precision)precision;
  in->max_steps = 1000000;
  CUBIE_CALL(cubie_deck_integer(cfg, &s, "max_steps", 1, INT_MAX, &in->max_steps, NULL));

  cubie_controller_default_limits(in->step_control, in->algorithm, &in->safety, &in->min_gain, &in->max_gain);
  CUBIE_CALL(cubie_deck_number(cfg, &s, "safety", false, &in->safety, NULL, &safety_m));
  CUBIE_CALL(check_range(cfg, safety_m, "integrator.safety", in->safety, 0.0, true, 1.0, false));
  CUBIE_CALL(cubie_deck_number(cfg, &s, "min_gain", false, &in->min_gain, NULL, &min_gain_m));
  CUBIE_CALL(check_range(cfg, min_gain_m, "integrator.min_gain", in->min_gain, 0.0, true, 1.0, true));
  CUBIE_CALL(cubie_deck_number(cfg, &s, "max_gain", false, &in->max_gain, NULL, &max_gain_m));
  CUBIE_CALL(check_range(cfg, max_gain_m, "integrator.max_gain", in->max_gain, 1.0, true, INFINITY, false));

  /* Consistency between keys. */
  if (!cubie_algorithm_is_adaptive(in->algorithm) && in->step_control != CUBIE_CONTROLLER_FIXED)
    return cubie_config_error_at(cfg, controller_mark,
                                 "step_control '%s' needs an error estimate, but algorithm '%s' is fixed-step "
                                 "only; use step_control: fixed",
                                 cubie_controller_name(in->step_control), in->algorithm->name);
  if (in->step_control == CUBIE_CONTROLLER_FIXED && !in->dt_set) {
    if (controller_set)
      return cubie_config_error_at(cfg, controller_mark, "step_control fixed needs integrator.dt (the step size)");
    return cubie_config_error_at(cfg, in->algorithm_mark,
                                 "algorithm '%s' is fixed-step only, so integrator.dt (the step size) is required",
                                 in->algorithm->name);
  }
  CUBIE_CALL(read_gains(cfg, &s));
  double span = in->settling_time + in->duration;
  if (in->dt_set && in->dt > span)
    return cubie_config_error_at(cfg, dt_m, "integrator.dt (%g) is larger than settling_time + duration (%g)",
                                 in->dt, span);
  if (!in->dt_max_set) in->dt_max = span;
  if (in->dt_min >= in->dt_max)
    return cubie_config_error_at(cfg, dt_min_set || !in->dt_max_set ? dt_min_m : dt_max_m,
                                 "integrator.dt_min (%g) must be smaller than dt_max (%g%s)", in->dt_min,
                                 in->dt_max, in->dt_max_set ? "" : ", settling_time + duration");
  if (in->dt_set && in->dt < in->dt_min)
    return cubie_config_error_at(cfg, dt_m, "integrator.dt (%g) is smaller than dt_min (%g)", in->dt,
                                 in->dt_min);
  return CUBIE_OK;
}
