/* test_buffer_registry — layouts and offsets, parent/child regions,
 * relayout after a change, zero sizes, unknown names (with and without a
 * deck position), owner aliases (`step.` for the step family), the kernels'
 * buffers of kernels/buffers.def, the deck's buffers: section and the
 * default heuristic. */
#include <stdlib.h>
#include <string.h>

#include "kernel/buffer_registry.h"
#include "check.h"
#include "deck/config.h"
#include "kernel/kernel_buffers.h"

static cubie_buffer_slot slot_of(cubie_buffer_registry *reg, const char *name) {
  cubie_buffer_slot s = {CUBIE_LOCATION_LOCAL, -1, -1};
  CHECK_OK(cubie_buffer_registry_slot(reg, name, &s));
  return s;
}

/* Elements per run of a location, as the emitted layout says. */
static long long total(cubie_buffer_registry *reg, cubie_buffer_location loc) {
  cubie_strbuf text;
  CHECK_OK(cubie_strbuf_init(&text));
  CHECK_OK(cubie_buffer_registry_emit(reg, &text));
  const char *key = loc == CUBIE_LOCATION_SHARED ? "#define CUBIE_SHARED_PER_RUN "
                                                  : "#define CUBIE_PERSISTENT_PER_RUN ";
  const char *at = text.data ? strstr(text.data, key) : NULL;
  long long n = at ? atoll(at + strlen(key)) : -1;
  cubie_strbuf_free(&text);
  return n;
}

/* A parent with two children (one with a grandchild): offsets are
 * contiguous per location, own buffers first, then one region for all
 * children in registration order. */
static void test_layout_and_aggregates(void) {
  cubie_buffer_registry *reg = NULL;
  CHECK_OK(cubie_buffer_registry_create(&reg));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "loop", NULL));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "step", "loop"));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "newton", "step"));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "summaries", "loop"));
  CHECK_OK(cubie_buffer_registry_register(reg, "loop", "state", 3, CUBIE_LOCATION_SHARED));
  CHECK_OK(cubie_buffer_registry_register(reg, "loop", "params", 2, CUBIE_LOCATION_LOCAL));
  CHECK_OK(cubie_buffer_registry_register(reg, "loop", "out", 4, CUBIE_LOCATION_SHARED));
  CHECK_OK(cubie_buffer_registry_register(reg, "step", "stages", 21, CUBIE_LOCATION_SHARED));
  CHECK_OK(cubie_buffer_registry_register(reg, "step", "work", 5, CUBIE_LOCATION_PERSISTENT_LOCAL));
  CHECK_OK(cubie_buffer_registry_register(reg, "newton", "delta", 3, CUBIE_LOCATION_SHARED));
  CHECK_OK(cubie_buffer_registry_register(reg, "newton", "resid", 3, CUBIE_LOCATION_PERSISTENT_LOCAL));
  CHECK_OK(cubie_buffer_registry_register(reg, "summaries", "acc", 8, CUBIE_LOCATION_SHARED));

  /* shared: loop.state 0..3, loop.out 3..7, [children from 7: step.stages
   * 7..28, newton.delta 28..31, summaries.acc 31..39] */
  cubie_buffer_slot s = slot_of(reg, "loop.state");
  CHECK_INT(s.location, CUBIE_LOCATION_SHARED);
  CHECK_INT(s.offset, 0);
  CHECK_INT(s.size, 3);
  CHECK_INT(slot_of(reg, "loop.out").offset, 3);
  CHECK_INT(slot_of(reg, "step.stages").offset, 7);
  CHECK_INT(slot_of(reg, "newton.delta").offset, 28);
  CHECK_INT(slot_of(reg, "summaries.acc").offset, 31);
  CHECK_INT(slot_of(reg, "loop.params").offset, 0); /* local: no offset */
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 39);
  /* persistent: step.work 0..5, newton.resid 5..8 */
  CHECK_INT(slot_of(reg, "step.work").offset, 0);
  CHECK_INT(slot_of(reg, "newton.resid").offset, 5);
  CHECK_INT(total(reg, CUBIE_LOCATION_PERSISTENT_LOCAL), 8);

  /* step's region (its 21 + newton's 3) sits between loop's own buffers and
   * summaries'; an unknown owner has no buffers. */
  CHECK_INT(slot_of(reg, "summaries.acc").offset - slot_of(reg, "step.stages").offset, 24);
  CHECK(cubie_buffer_registry_has_owner(reg, "newton"));
  CHECK(!cubie_buffer_registry_has_owner(reg, "nobody"));
  CHECK(cubie_buffer_registry_has_buffer(reg, "newton.resid"));
  CHECK(!cubie_buffer_registry_has_buffer(reg, "newton.stages"));

  /* The emitted lines carry the same numbers. */
  cubie_strbuf text;
  CHECK_OK(cubie_strbuf_init(&text));
  CHECK_OK(cubie_buffer_registry_emit(reg, &text));
  CHECK_CONTAINS(text.data, "#define CUBIE_SHARED_PER_RUN 39\n");
  CHECK_CONTAINS(text.data, "#define CUBIE_PERSISTENT_PER_RUN 8\n");
  CHECK_CONTAINS(text.data, "#define CUBIE_BUF_NEWTON_DELTA_LOC CUBIE_LOC_SHARED\n#define CUBIE_BUF_NEWTON_DELTA_OFFSET 28\n");
  CHECK_CONTAINS(text.data, "#define CUBIE_BUF_STEP_WORK_LOC CUBIE_LOC_PERSISTENT\n");
  CHECK_CONTAINS(text.data, "#define CUBIE_BUF_LOOP_PARAMS_LOC CUBIE_LOC_LOCAL\n#define CUBIE_BUF_LOOP_PARAMS_OFFSET 0\n");
  cubie_strbuf_free(&text);
  cubie_buffer_registry_destroy(&reg);
  CHECK(reg == NULL);
}

/* A change is seen by the next query (the layout is recomputed), for the
 * buffer moved and for the regions around it. */
static void test_invalidation(void) {
  cubie_buffer_registry *reg = NULL;
  CHECK_OK(cubie_buffer_registry_create(&reg));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "loop", NULL));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "step", "loop"));
  CHECK_OK(cubie_buffer_registry_register(reg, "loop", "a", 4, CUBIE_LOCATION_SHARED));
  CHECK_OK(cubie_buffer_registry_register(reg, "step", "b", 6, CUBIE_LOCATION_SHARED));
  CHECK_INT(slot_of(reg, "step.b").offset, 4);
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 10);

  /* Setting a buffer where it already is changes nothing. */
  CHECK_OK(cubie_buffer_registry_set_location(reg, "loop.a", CUBIE_LOCATION_SHARED));
  CHECK_INT(slot_of(reg, "step.b").offset, 4);

  CHECK_OK(cubie_buffer_registry_set_location(reg, "loop.a", CUBIE_LOCATION_LOCAL));
  CHECK_INT(slot_of(reg, "step.b").offset, 0); /* the child region moved up */
  CHECK_INT(slot_of(reg, "loop.a").location, CUBIE_LOCATION_LOCAL);
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 6);

  /* A child's move changes its parent's reserved region. */
  CHECK_OK(cubie_buffer_registry_set_location(reg, "step.b", CUBIE_LOCATION_PERSISTENT_LOCAL));
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 0);
  CHECK_INT(total(reg, CUBIE_LOCATION_PERSISTENT_LOCAL), 6);
  CHECK_INT(slot_of(reg, "step.b").location, CUBIE_LOCATION_PERSISTENT_LOCAL);

  /* Re-registering replaces the size and the location. */
  CHECK_OK(cubie_buffer_registry_register(reg, "step", "b", 9, CUBIE_LOCATION_SHARED));
  CHECK_INT(slot_of(reg, "step.b").size, 9);
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 9);
  CHECK_INT(total(reg, CUBIE_LOCATION_PERSISTENT_LOCAL), 0);
  cubie_buffer_registry_destroy(&reg);
}

/* "alias.name" means "owner.name" in every lookup, and suggestions offer
 * both spellings. */
static void test_alias(void) {
  cubie_buffer_registry *reg = NULL;
  CHECK_OK(cubie_buffer_registry_create(&reg));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "loop", NULL));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "erk", "loop"));
  CHECK_OK(cubie_buffer_registry_alias_owner(reg, "step", "erk"));
  CHECK_OK(cubie_buffer_registry_register(reg, "loop", "state", 3, CUBIE_LOCATION_LOCAL));
  CHECK_OK(cubie_buffer_registry_register(reg, "erk", "stages", 21, CUBIE_LOCATION_LOCAL));
  CHECK(cubie_buffer_registry_has_buffer(reg, "step.stages"));
  CHECK(!cubie_buffer_registry_has_buffer(reg, "step.state"));
  CHECK_OK(cubie_buffer_registry_set_location(reg, "step.stages", CUBIE_LOCATION_SHARED));
  CHECK_INT(slot_of(reg, "erk.stages").location, CUBIE_LOCATION_SHARED);
  CHECK_INT(slot_of(reg, "step.stages").size, 21);
  CHECK_FAILS(cubie_buffer_registry_set_location(reg, "step.stagse", CUBIE_LOCATION_SHARED),
              CUBIE_ERR_INPUT);
  CHECK_STR(cubie_error_message(), "unknown buffer 'step.stagse' (did you mean 'step.stages'?)");
  CHECK_FAILS(cubie_buffer_registry_set_location(reg, "erk.stagse", CUBIE_LOCATION_SHARED),
              CUBIE_ERR_INPUT);
  CHECK_STR(cubie_error_message(), "unknown buffer 'erk.stagse' (did you mean 'erk.stages'?)");
  /* An alias must not hide an owner, nor be given twice. */
  CHECK_FAILS(cubie_buffer_registry_alias_owner(reg, "loop", "erk"), CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_buffer_registry_alias_owner(reg, "step", "loop"), CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_buffer_registry_alias_owner(reg, "other", "nobody"), CUBIE_ERR_INTERNAL);
  cubie_buffer_registry_destroy(&reg);
}

/* Zero-size buffers are legal, take no room and still get their macros. */
static void test_zero_sizes(void) {
  cubie_buffer_registry *reg = NULL;
  CHECK_OK(cubie_buffer_registry_create(&reg));
  CHECK_OK(cubie_buffer_registry_add_owner(reg, "loop", NULL));
  CHECK_OK(cubie_buffer_registry_register(reg, "loop", "empty", 0, CUBIE_LOCATION_SHARED));
  CHECK_OK(cubie_buffer_registry_register(reg, "loop", "x", 2, CUBIE_LOCATION_SHARED));
  CHECK_OK(cubie_buffer_registry_register(reg, "loop", "none", 0, CUBIE_LOCATION_PERSISTENT_LOCAL));
  CHECK_INT(slot_of(reg, "loop.empty").size, 0);
  CHECK_INT(slot_of(reg, "loop.x").offset, 0);
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 2);
  CHECK_INT(total(reg, CUBIE_LOCATION_PERSISTENT_LOCAL), 0);
  cubie_strbuf text;
  CHECK_OK(cubie_strbuf_init(&text));
  CHECK_OK(cubie_buffer_registry_emit(reg, &text));
  CHECK_CONTAINS(text.data, "#define CUBIE_BUF_LOOP_EMPTY_OFFSET 0\n");
  CHECK_CONTAINS(text.data, "#define CUBIE_PERSISTENT_PER_RUN 0\n");
  cubie_strbuf_free(&text);
  /* Negative sizes and names that cannot be macro names are bugs. */
  CHECK_FAILS(cubie_buffer_registry_register(reg, "loop", "neg", -1, CUBIE_LOCATION_LOCAL),
              CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_buffer_registry_register(reg, "loop", "Bad-Name", 1, CUBIE_LOCATION_LOCAL),
              CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_buffer_registry_register(reg, "nobody", "x", 1, CUBIE_LOCATION_LOCAL),
              CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_buffer_registry_add_owner(reg, "loop", NULL), CUBIE_ERR_INTERNAL);
  CHECK_FAILS(cubie_buffer_registry_add_owner(reg, "orphan", "nobody"), CUBIE_ERR_INTERNAL);
  cubie_buffer_registry_destroy(&reg);
}

/* Lorenz with tsit5 (7 stages), 4 outputs, 2 one-accumulator metrics each
 * (8 accumulators), float64. */
static cubie_kernel_dims lorenz64;
static void init_dims(void) {
  lorenz64 = (cubie_kernel_dims){.n_states = 3, .n_parameters = 3, .n_outputs = 4,
                                 .accumulators = 8, .algorithm = cubie_algorithm_find("tsit5"),
                                 .real_size = 8};
  CHECK(lorenz64.algorithm && lorenz64.algorithm->stages == 7);
}

static cubie_config *deck(const char *buffers) {
  char text[1024];
  snprintf(text, sizeof text,
           "model:\n  states: {x: 1.0}\n  equations: dx = -x\n" /* lines 1-3 */
           "integrator:\n  duration: 1.0\n"                       /* lines 4-5 */
           "%s",
           buffers);
  cubie_config *cfg = NULL;
  CHECK_OK(cubie_config_load_text("b.yaml", text, NULL, 0, &cfg));
  return cfg;
}

/* Unknown names: a suggestion when one is close, the list otherwise; from
 * the deck, with the position of the entry. */
static void test_unknown_names(void) {
  cubie_buffer_registry *reg = NULL;
  CHECK_OK(cubie_kernel_buffers_create(&lorenz64, NULL, &reg));
  CHECK_FAILS(cubie_buffer_registry_set_location(reg, "loop.stat", CUBIE_LOCATION_SHARED),
              CUBIE_ERR_INPUT);
  CHECK_STR(cubie_error_message(), "unknown buffer 'loop.stat' (did you mean 'loop.state'?)");
  CHECK_FAILS(cubie_buffer_registry_set_location(reg, "zzz", CUBIE_LOCATION_SHARED), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(),
                 "unknown buffer 'zzz' (known buffers: loop.state loop.proposal loop.parameters "
                 "loop.outputs loop.accumulators erk.stages erk.stage_state)");
  /* The right buffer under a wrong owner. */
  CHECK_FAILS(cubie_buffer_registry_set_location(reg, "algorithm.stages", CUBIE_LOCATION_SHARED),
              CUBIE_ERR_INPUT);
  CHECK_STR(cubie_error_message(), "unknown buffer 'algorithm.stages' (did you mean 'erk.stages'?)");
  cubie_buffer_slot s;
  CHECK_FAILS(cubie_buffer_registry_slot(reg, "step.stage", &s), CUBIE_ERR_INPUT);
  CHECK_CONTAINS(cubie_error_message(), "did you mean 'step.stages'?");
  /* The loop's old error buffer is gone. */
  CHECK(!cubie_buffer_registry_has_buffer(reg, "loop.error"));
  cubie_buffer_registry_destroy(&reg);

  cubie_config *cfg = deck("buffers:\n  loop.state: shared\n  step.stagse: local\n");
  if (cfg) {
    CHECK_FAILS(cubie_kernel_buffers_create(&lorenz64, cfg, &reg), CUBIE_ERR_INPUT);
    CHECK_STR(cubie_error_message(),
              "b.yaml:8:3: unknown buffer 'step.stagse' (did you mean 'step.stages'?)");
    CHECK(reg == NULL);
    cubie_config_destroy(&cfg);
  }
  /* The same through --set. */
  const char *set[] = {"buffers.loop.sate=shared"};
  CHECK_OK(cubie_config_load_text("b.yaml",
                                  "model:\n  states: {x: 1.0}\n  equations: dx = -x\n"
                                  "integrator:\n  duration: 1.0\n",
                                  set, 1, &cfg));
  if (cfg) {
    CHECK_FAILS(cubie_kernel_buffers_create(&lorenz64, cfg, &reg), CUBIE_ERR_INPUT);
    CHECK_CONTAINS(cubie_error_message(), "unknown buffer 'loop.sate' (did you mean 'loop.state'?)");
    CHECK_CONTAINS(cubie_error_message(), "buffers.loop.sate=shared");
    cubie_config_destroy(&cfg);
  }
}

/* The deck's buffers: section moves buffers and wins over the heuristic. */
static void test_deck_overrides(void) {
  cubie_config *cfg = deck("buffers:\n  loop.state: shared\n  step.stages: persistent_local\n"
                           "  loop.parameters: shared\n");
  if (!cfg) return;
  cubie_buffer_registry *reg = NULL;
  CHECK_OK(cubie_kernel_buffers_create(&lorenz64, cfg, &reg));
  if (reg) {
    cubie_buffer_slot s = slot_of(reg, "loop.state");
    CHECK_INT(s.location, CUBIE_LOCATION_SHARED);
    CHECK_INT(s.offset, 0);
    s = slot_of(reg, "loop.parameters");
    CHECK_INT(s.location, CUBIE_LOCATION_SHARED);
    CHECK_INT(s.offset, 3); /* registration order: state, proposal, parameters */
    s = slot_of(reg, "erk.stages"); /* moved as step.stages */
    CHECK_INT(s.location, CUBIE_LOCATION_PERSISTENT_LOCAL);
    CHECK_INT(s.size, 21);
    CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 6);
    CHECK_INT(total(reg, CUBIE_LOCATION_PERSISTENT_LOCAL), 21);
    CHECK_INT(slot_of(reg, "loop.proposal").location, CUBIE_LOCATION_LOCAL);
    cubie_strbuf text;
    CHECK_OK(cubie_strbuf_init(&text));
    CHECK_OK(cubie_buffer_registry_describe(reg, 8, &text));
    CHECK_CONTAINS(text.data, "per run: shared 48 B");
    CHECK_CONTAINS(text.data, "loop.state");
    CHECK_CONTAINS(text.data, "loop.state                 3 elements  shared @0 (chosen)");
    CHECK_CONTAINS(text.data, "erk.stages                21 elements  persistent_local @0 (chosen)");
    cubie_strbuf_free(&text);
    cubie_buffer_registry_destroy(&reg);
  }
  cubie_config_destroy(&cfg);

  /* A deck that keeps a large buffer local against the heuristic. */
  cubie_kernel_dims big = lorenz64;
  big.n_states = 10;
  /* tsit5: erk.stages = 70 elements */
  cfg = deck("buffers:\n  step.stages: local\n");
  if (!cfg) return;
  CHECK_OK(cubie_kernel_buffers_create(&big, cfg, &reg));
  if (reg) {
    CHECK_INT(slot_of(reg, "step.stages").location, CUBIE_LOCATION_LOCAL);
    CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 0);
    cubie_buffer_registry_destroy(&reg);
  }
  cubie_config_destroy(&cfg);
}

/* Default heuristic: small buffers stay local; a buffer above 32 elements
 * moves to shared while (shared elements) x bytes x 64 threads <= 48 KiB. */
static void test_heuristic(void) {
  cubie_buffer_registry *reg = NULL;
  /* Lorenz with tsit5: every buffer <= 21 elements: all local. */
  CHECK_OK(cubie_kernel_buffers_create(&lorenz64, NULL, &reg));
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 0);
  CHECK_INT(total(reg, CUBIE_LOCATION_PERSISTENT_LOCAL), 0);
  CHECK_INT(slot_of(reg, "erk.stages").size, 21);
  cubie_buffer_registry_destroy(&reg);

  /* 10 states, 7 stages: erk.stages = 70 elements. float64: 70*8*64 =
   * 35840 B <= 49152: shared. */
  cubie_kernel_dims d = lorenz64;
  d.n_states = 10;
  CHECK_OK(cubie_kernel_buffers_create(&d, NULL, &reg));
  cubie_buffer_slot s = slot_of(reg, "step.stages");
  CHECK_INT(s.location, CUBIE_LOCATION_SHARED);
  CHECK_INT(s.offset, 0);
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 70);
  CHECK_INT(slot_of(reg, "loop.state").location, CUBIE_LOCATION_LOCAL);
  cubie_buffer_registry_destroy(&reg);

  /* 13 states x 7 = 91 elements: 91*8*64 = 46592 fits; 14 x 7 = 98:
   * 50176 does not (float64) but does in float32 (25088). */
  d.n_states = 13;
  CHECK_OK(cubie_kernel_buffers_create(&d, NULL, &reg));
  CHECK_INT(slot_of(reg, "step.stages").location, CUBIE_LOCATION_SHARED);
  cubie_buffer_registry_destroy(&reg);
  d.n_states = 14;
  CHECK_OK(cubie_kernel_buffers_create(&d, NULL, &reg));
  CHECK_INT(slot_of(reg, "step.stages").location, CUBIE_LOCATION_LOCAL);
  cubie_buffer_registry_destroy(&reg);
  d.real_size = 4;
  CHECK_OK(cubie_kernel_buffers_create(&d, NULL, &reg));
  CHECK_INT(slot_of(reg, "step.stages").location, CUBIE_LOCATION_SHARED);
  cubie_buffer_registry_destroy(&reg);

  /* Largest first, then the next while it fits: 40 states, 1 parameter,
   * float32, 2 stages: stages 80 (shared: 80*4*64 = 20480), then the four
   * 40-element buffers: 120*4*64 = 30720, 160 -> 40960, 200 -> 51200 > 49152:
   * two of them join; the others stay local. */
  cubie_kernel_dims w = {.n_states = 40, .n_parameters = 1, .n_outputs = 1, .accumulators = 0,
                         .algorithm = cubie_algorithm_find("heun"), .real_size = 4};
  CHECK_OK(cubie_kernel_buffers_create(&w, NULL, &reg));
  CHECK_INT(slot_of(reg, "erk.stages").location, CUBIE_LOCATION_SHARED);
  CHECK_INT(total(reg, CUBIE_LOCATION_SHARED), 80 + 2 * 40);
  int shared = 0;
  const char *forty[] = {"loop.state", "loop.proposal", "erk.stage_state"};
  for (int i = 0; i < 3; i++) shared += slot_of(reg, forty[i]).location == CUBIE_LOCATION_SHARED;
  CHECK_INT(shared, 2);
  /* Ties go to the earliest registered: loop.state, then loop.proposal. */
  CHECK_INT(slot_of(reg, "loop.proposal").location, CUBIE_LOCATION_SHARED);
  CHECK_INT(slot_of(reg, "erk.stage_state").location, CUBIE_LOCATION_LOCAL);
  CHECK_INT(slot_of(reg, "loop.parameters").location, CUBIE_LOCATION_LOCAL);
  CHECK_INT(slot_of(reg, "loop.accumulators").size, 0);
  cubie_buffer_registry_destroy(&reg);
}

/* The size checks name every buffer with the kernels' expression. */
static void test_checks(void) {
  cubie_buffer_registry *reg = NULL;
  CHECK_OK(cubie_kernel_buffers_create(&lorenz64, NULL, &reg));
  cubie_strbuf text;
  CHECK_OK(cubie_strbuf_init(&text));
  CHECK_OK(cubie_kernel_buffers_checks(reg, &text));
  CHECK_CONTAINS(text.data, "#if CUBIE_BUF_ERK_STAGES_SIZE != 21\n#error \"buffer erk.stages: "
                            "the host registered 21 elements but the kernels declare "
                            "(CUBIE_METHOD_STAGES + CUBIE_METHOD_DENSE_STAGES) * CUBIE_N_STATES\"");
  CHECK_CONTAINS(text.data, "#if CUBIE_BUF_LOOP_ACCUMULATORS_SIZE != 8\n");
  CHECK_CONTAINS(text.data, "#if CUBIE_BUF_LOOP_PARAMETERS_SIZE != 3\n");
  cubie_strbuf_free(&text);
  cubie_buffer_registry_destroy(&reg);
}

/* An implicit method registers its family's buffers and the selected linear
 * solver's (kernels/buffers.def families ROSENBROCK and LINSOLVE_DENSE),
 * sized in N, with the family's owner answering to `step`; an explicit
 * method registers none of them, and only a method with a complex pair
 * (methods.def jacobian = 2, none yet) the complex ones. */
static void test_linear_solver_buffers(void) {
  cubie_kernel_dims d = lorenz64;
  d.algorithm = cubie_algorithm_find("rodas4");
  d.linear_solver = cubie_linear_solver_at(CUBIE_LINEAR_SOLVER_DENSE)->id;
  CHECK(d.algorithm && d.algorithm->jacobian && !d.algorithm->complex_pair);
  cubie_buffer_registry *reg = NULL;
  CHECK_OK(cubie_kernel_buffers_create(&d, NULL, &reg));
  cubie_buffer_slot s;
  CHECK_OK(cubie_buffer_registry_slot(reg, "linsolve.jacobian", &s));
  CHECK_INT(s.size, 9);
  CHECK_OK(cubie_buffer_registry_slot(reg, "linsolve.lu", &s));
  CHECK_INT(s.size, 9);
  CHECK_OK(cubie_buffer_registry_slot(reg, "linsolve.pivots", &s));
  CHECK_INT(s.size, 3);
  CHECK_OK(cubie_buffer_registry_slot(reg, "step.stages", &s)); /* rosenbrock.stages */
  CHECK_INT(s.size, 6 * 3);
  CHECK(cubie_buffer_registry_has_buffer(reg, "rosenbrock.jacobian_point"));
  CHECK(!cubie_buffer_registry_has_buffer(reg, "linsolve.lu_complex"));
  CHECK(!cubie_buffer_registry_has_buffer(reg, "erk.stages"));
  cubie_buffer_registry_destroy(&reg);
  /* No linear solver chosen: no LINSOLVE rows. */
  d.linear_solver = NULL;
  CHECK_OK(cubie_kernel_buffers_create(&d, NULL, &reg));
  CHECK(!cubie_buffer_registry_has_buffer(reg, "linsolve.lu"));
  CHECK(cubie_buffer_registry_has_buffer(reg, "rosenbrock.stages"));
  cubie_buffer_registry_destroy(&reg);
  /* An explicit method with a solver named: still none. */
  CHECK_OK(cubie_kernel_buffers_create(&lorenz64, NULL, &reg));
  CHECK(!cubie_buffer_registry_has_buffer(reg, "linsolve.jacobian"));
  CHECK(!cubie_buffer_registry_has_buffer(reg, "rosenbrock.stages"));
  cubie_buffer_registry_destroy(&reg);
  /* `auto` resolves to dense for implicit methods, to none for explicit ones. */
  CHECK_INT(cubie_linear_solver_resolve(CUBIE_LINEAR_SOLVER_AUTO, d.algorithm, 3),
            CUBIE_LINEAR_SOLVER_DENSE);
  CHECK_INT(cubie_linear_solver_resolve(CUBIE_LINEAR_SOLVER_DENSE, d.algorithm, 3),
            CUBIE_LINEAR_SOLVER_DENSE);
  CHECK_INT(cubie_linear_solver_resolve(CUBIE_LINEAR_SOLVER_DENSE, lorenz64.algorithm, 3),
            CUBIE_LINEAR_SOLVER_AUTO);
  CHECK(cubie_linear_solver_at(CUBIE_LINEAR_SOLVER_AUTO) == NULL);
  CHECK_STR(cubie_linear_solver_names()[0], "auto");
  CHECK_STR(cubie_linear_solver_names()[CUBIE_LINEAR_SOLVER_DENSE], "dense");
}

int main(void) {
  init_dims();
  test_linear_solver_buffers();
  test_layout_and_aggregates();
  test_invalidation();
  test_alias();
  test_zero_sizes();
  test_unknown_names();
  test_deck_overrides();
  test_heuristic();
  test_checks();
  CHECK_DONE();
}
