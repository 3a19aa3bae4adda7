/* test_deck_errors — every class of deck error: its exact message text and
 * the line:column it names. Each case is a small deck; M and I are the
 * lines every valid deck needs, so the lines after them start at 4 and 6. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "deck/config.h"

#define M "model:\n  states: {x: 1.0}\n  equations: dx = -x\n"  /* lines 1-3 */
#define I "integrator:\n  duration: 1.0\n"                        /* lines 4-5 */

typedef struct error_case {
  const char *deck;
  const char *at;       /* "LINE:COL" */
  const char *message;  /* the text after "e.yaml:LINE:COL: " (a prefix of the rest) */
} error_case;

static const error_case cases[] = {
    /* YAML itself */
    {M I "  atol: 1e-6: 2\n", "6:13", "YAML syntax error: mapping values are not allowed in this context"},
    {M "integrator: {duration: 1.0\n", "5:1", "YAML syntax error: did not find expected ',' or '}'"},
    {"model:\n  states: [x\n", "3:1", "YAML syntax error: did not find expected ',' or ']'"},
    {"", "1:1", "the deck is empty; it needs at least the sections model and integrator"},
    {"# only a comment\n", "1:1", "the deck is empty"},
    {"~\n", "1:1", "the deck is empty"},
    {"- model\n- integrator\n", "1:1", "the deck must be a mapping of sections (model:, integrator:, ...), not a list"},
    {"just text\n", "1:1", "the deck must be a mapping of sections (model:, integrator:, ...), not a single value"},
    {M I "---\n" M I, "6:1", "a deck holds one YAML document; this starts a second one"},
    {M I "  atol: &a 1e-6\n", "6:9", "YAML anchors ('&a') are not supported in decks"},
    {M I "  atol: *a\n", "6:9", "YAML aliases ('*a') are not supported in decks"},
    {M I "  atol: !!float 1e-6\n", "6:9", "YAML tags ('tag:yaml.org,2002:float') are not supported"},
    {M I "  ? [a, b]\n  : 1\n", "6:5", "mapping keys must be names, not a list or mapping"},
    /* duplicate keys, at every level */
    {M I "  duration: 2.0\n", "6:3", "duplicate key 'duration' (first given at line 5)"},
    {M "model: {}\n" I, "4:1", "duplicate key 'model' (first given at line 1)"},
    {"model:\n  states: {x: 1.0, x: 2.0}\n  equations: dx = -x\n" I, "2:20", "duplicate key 'x' (first given at line 2)"},
    /* unknown keys */
    {M I "integrater: {}\n", "6:1", "unknown key 'integrater' at the top level of the deck; did you mean 'integrator'?"},
    {M I "  rtoll: 1e-8\n", "6:3", "unknown key 'rtoll' in integrator; did you mean 'rtol'?"},
    {M I "  zzzzzz: 1\n", "6:3", "unknown key 'zzzzzz' in integrator\0"},
    {"model:\n  state: {x: 1.0}\n  equations: dx = -x\n" I, "2:3", "unknown key 'state' in model; did you mean 'states'?"},
    {M I "batch:\n  sweep:\n    x: {value: [1, 2]}\n", "8:9", "unknown key 'value' in batch.sweep.x; did you mean 'values'?"},
    {M I "output: {save_every: 0.5, summaries: {every: 0.5, metric: [max]}}\n", "6:51",
     "unknown key 'metric' in output.summaries; did you mean 'metrics'?"},
    {"model:\n  states: {x: {value: 1.0, long: a}}\n  equations: dx = -x\n" I, "2:28",
     "unknown key 'long' in model.states.x"},
    {M I "run: {thread: 2}\n", "6:7", "unknown key 'thread' in run; did you mean 'threads'?"},
    /* enumerated values */
    {M "integrator:\n  algorithm: tsit\n  duration: 1.0\n", "5:14", "unknown algorithm 'tsit'; did you mean 'tsit5'?"},
    {M "integrator:\n  algorithm: fehlburg\n  duration: 1.0\n", "5:14", "unknown algorithm 'fehlburg'; did you mean 'fehlberg'?"},
    {M "integrator:\n  algorithm: magic\n  duration: 1.0\n", "5:14", "unknown algorithm 'magic'; expected one of: euler, heun,"},
    {M I "  step_control: pidd\n", "6:17", "unknown step_control 'pidd'; did you mean 'pid'?"},
    {M I "  precision: double\n", "6:14", "unknown precision 'double'; expected one of: float32, float64"},
    {M I "batch: {grid: verbatin}\n", "6:15", "unknown grid 'verbatin'; did you mean 'verbatim'?"},
    {M I "run: {chunk_axis: runs}\n", "6:19", "unknown chunk_axis 'runs'; did you mean 'run'?"},
    {M I "run: {decomposition: dynamik}\n", "6:22", "unknown decomposition 'dynamik'; did you mean 'dynamic'?"},
    {M I "buffers: {loop.state: sharde}\n", "6:23", "unknown buffer location 'sharde'; did you mean 'shared'?"},
    {M I "buffers: {loop.state: ~}\n", "6:11", "buffers.loop.state needs a location"},
    {M I "output: {save_every: 0.5, summaries: {every: 0.5, metrics: [mean, median]}}\n", "6:67",
     "unknown summary metric 'median'; did you mean 'mean'?"},
    /* wrong types */
    {M I "  atol: [1e-6]\n", "6:9", "integrator.atol must be a number, not a list"},
    {M I "  atol: {a: 1}\n", "6:9", "integrator.atol must be a number, not a mapping"},
    {M I "  atol: tiny\n", "6:9", "integrator.atol must be a number, not 'tiny'"},
    {M I "  atol: \"1e-6\"\n", "6:9", "integrator.atol must be a number, not the quoted string \"1e-6\" (quoted values are strings; remove the quotes)"},
    {M I "  rtol: '1e-6'\n", "6:9", "integrator.rtol must be a number, not the quoted string \"1e-6\""},
    {M "integrator:\n  duration:\n", "5:12", "integrator.duration must be a number, not null"},
    {M I "  algorithm: [tsit5]\n", "6:14", "integrator.algorithm must be a name, not a list"},
    {M I "output: {file: [a.nc]}\n", "6:16", "output.file must be a string, not a list"},
    {M I "output: [x]\n", "6:9", "output must be a mapping (key: value lines), not a list"},
    {"model: 3\n" I, "1:8", "model must be a mapping (key: value lines), not '3'"},
    {"model:\n  states: [x]\n  equations: dx = -x\n" I, "2:11", "model.states must be a mapping (key: value lines), not a list"},
    {"model:\n  states: {x: one}\n  equations: dx = -x\n" I, "2:15", "model.states.x must be a number, not 'one'"},
    {"model:\n  states: {x: [1]}\n  equations: dx = -x\n" I, "2:15",
     "model.states.x must be a number or a mapping {value: ..., units: ..., long_name: ...}, not a list"},
    {"model:\n  states: {x: {units: m}}\n  equations: dx = -x\n" I, "2:12", "missing required key 'value' in model.states.x"},
    {"model:\n  states: {x: 1}\n  observables: {e: 2}\n  equations: dx = -x\n" I, "3:20",
     "model.observables.e must be a mapping {units: ..., long_name: ...}, not '2'"},
    {"model:\n  states: {x: 1}\n  equations:\n" I, "3:13", "model.equations must be text (a `|` block of lines 'dx = ...'), not null"},
    {M I "batch: {sweep: {x: 3}}\n", "6:20", "batch.sweep.x must be a list of values or a mapping with one of values, linspace, logspace, not '3'"},
    {M I "batch: {sweep: {x: [1, two]}}\n", "6:24", "batch.sweep.x[1] must be a number, not 'two'"},
    {M I "output: {save: x}\n", "6:16", "output.save must be a list, not 'x'"},
    {M I "output: {save: [x, [y]]}\n", "6:20", "output.save[1] must be a name, not a list"},
    /* non-finite numbers */
    {M I "  rtol: .nan\n", "6:9", "integrator.rtol must be a finite number, not '.nan'"},
    {M I "  t0: -.Inf\n", "6:7", "integrator.t0 must be a finite number, not '-.Inf'"},
    {M I "  t0: inf\n", "6:7", "integrator.t0 must be a finite number, not 'inf'"},
    {M I "  t0: 1e999\n", "6:7", "integrator.t0 must be a finite number, not '1e999' (out of range)"},
    /* integers */
    {M I "  max_steps: 1000.5\n", "6:14", "integrator.max_steps must be a whole number, not '1000.5'"},
    {M I "  max_steps: 0\n", "6:14", "integrator.max_steps must be an integer from 1 to 2147483647, not '0'"},
    {M I "  max_steps: 3e9\n", "6:14", "integrator.max_steps must be an integer from 1 to 2147483647, not '3e9'"},
    {M I "run: {threads: -1}\n", "6:16", "run.threads must be an integer from 0 to 2147483647, not '-1'"},
    {M I "run: {block_size: 2048}\n", "6:19", "run.block_size must be an integer from 0 to 1024, not '2048'"},
    {M I "run: {dynamic_block: -1}\n", "6:22", "run.dynamic_block must be an integer >= 0, not '-1'"},
    {M I "run: {dynamic_block: 1.5}\n", "6:22", "run.dynamic_block must be a whole number, not '1.5'"},
    {M I "output: {compression: 10}\n", "6:23", "output.compression must be an integer from 0 to 9, not '10'"},
    /* ranges */
    {M "integrator:\n  duration: 0\n", "5:13", "integrator.duration must be > 0, not 0"},
    {M "integrator:\n  duration: -2.5\n", "5:13", "integrator.duration must be > 0, not -2.5"},
    {M "integrator:\n  t0: 0\n", "4:1", "missing required key 'duration' in integrator"},
    {M I "  settling_time: -1\n", "6:18", "integrator.settling_time must be >= 0, not -1"},
    {M I "  atol: 0\n", "6:9", "integrator.atol must be > 0, not 0"},
    {M I "  rtol: -1e-6\n", "6:9", "integrator.rtol must be > 0, not -1e-06"},
    {M I "  dt_min: 0\n", "6:11", "integrator.dt_min must be > 0, not 0"},
    {M I "  safety: 1.5\n", "6:11", "integrator.safety must be in (0, 1], not 1.5"},
    {M I "  min_gain: 1\n", "6:13", "integrator.min_gain must be in (0, 1), not 1"},
    {M I "  max_gain: 1\n", "6:13", "integrator.max_gain must be > 1, not 1"},
    {M I "run: {progress_interval: 0}\n", "6:26", "run.progress_interval must be > 0 seconds, not 0"},
    /* time consistency */
    {M I "output: {save_every: 0}\n", "6:22", "output.save_every must be > 0, not 0"},
    {M I "output: {save_every: 2}\n", "6:22", "output.save_every (2) is longer than integrator.duration (1)"},
    {M I "output:\n  summaries: {every: 0.5}\n", "7:3", "output.summaries needs output.save_every"},
    {M I "output: {save_every: 0.1, summaries: {every: 0.25}}\n", "6:46",
     "output.summaries.every (0.25) must be a whole multiple of output.save_every (0.1)"},
    {M I "output: {save_every: 0.5, summaries: {every: 0.25}}\n", "6:46",
     "output.summaries.every (0.25) must be a whole multiple of output.save_every (0.5)"},
    {M I "output: {save_every: 0.5, summaries: {every: 2}}\n", "6:46",
     "output.summaries.every (2) is longer than integrator.duration (1)"},
    {M I "output: {save_every: 0.5, summaries: {every: 0}}\n", "6:46", "output.summaries.every must be > 0, not 0"},
    {M I "output: {save_every: 0.5, summaries: {metrics: [max]}}\n", "6:27", "missing required key 'every' in output.summaries"},
    {M I "output: {save_every: 0.5, summaries: {every: 0.5, metrics: []}}\n", "6:60", "output.summaries.metrics is empty"},
    {M I "output: {save_every: 0.5, summaries: {every: 0.5, metrics: [max, max]}}\n", "6:66",
     "output.summaries.metrics lists 'max' twice"},
    {M I "output: {save: []}\n", "6:16", "output.save is empty; list at least one state or observable"},
    {M I "output: {save: [x, x]}\n", "6:20", "output.save lists 'x' twice"},
    {M "integrator:\n  duration: 1.0\n  settling_time: 0.5\n  dt: 2\n", "7:7",
     "integrator.dt (2) is larger than settling_time + duration (1.5)"},
    {M I "  dt_min: 0.1\n  dt_max: 0.1\n", "6:11", "integrator.dt_min (0.1) must be smaller than dt_max (0.1)"},
    {M I "  dt_max: 1e-13\n", "6:11", "integrator.dt_min (1e-12) must be smaller than dt_max (1e-13)"},
    {M I "  dt_min: 2\n", "6:11", "integrator.dt_min (2) must be smaller than dt_max (1, settling_time + duration)"},
    {M I "  dt: 1e-5\n  dt_min: 1e-4\n", "6:7", "integrator.dt (1e-05) is smaller than dt_min (0.0001)"},
    {M I "  step_control: fixed\n", "6:17", "step_control fixed needs integrator.dt (the step size)"},
    {M "integrator:\n  algorithm: heun\n  duration: 1.0\n", "5:14",
     "algorithm 'heun' is fixed-step only, so integrator.dt (the step size) is required"},
    {M "integrator:\n  algorithm: rk4\n  step_control: i\n  dt: 0.1\n  duration: 1.0\n", "6:17",
     "step_control 'i' needs an error estimate, but algorithm 'rk4' is fixed-step only; use step_control: fixed"},
    {M I "  gains: [0.7]\n", "6:10", "integrator.gains must have 2 entries for step_control pi, not 1"},
    {M I "  step_control: i\n  gains: [0.7, 0.1]\n", "7:10", "integrator.gains must have 1 entry for step_control i, not 2"},
    {M I "  gains: 0.7\n", "6:10", "integrator.gains must be a list, not '0.7'"},
    {M I "  gains: [0.7, x]\n", "6:16", "integrator.gains[1] must be a number, not 'x'"},
    /* sweeps */
    {M I "batch:\n  sweep:\n    x: {values: []}\n", "8:17", "batch.sweep.x.values is empty; give at least one value"},
    {M I "batch:\n  sweep:\n    x: []\n", "8:8", "batch.sweep.x is empty; give at least one value"},
    {M I "batch:\n  sweep:\n    x: {}\n", "8:5", "batch.sweep.x needs one of values, linspace or logspace"},
    {M I "batch:\n  sweep:\n    x:\n", "8:7", "batch.sweep.x must be a list of values or a mapping with one of values, linspace, logspace, not null"},
    {M I "batch:\n  sweep:\n    x: {linspace: [0, 1, 2], values: [1]}\n", "8:30",
     "batch.sweep.x has both linspace and values; give exactly one"},
    {M I "batch:\n  sweep:\n    x: {linspace: [0, 1, 0]}\n", "8:26",
     "batch.sweep.x.linspace n (the number of values) must be an integer from 1 to"},
    {M I "batch:\n  sweep:\n    x: {linspace: [0, 1, 2.5]}\n", "8:26",
     "batch.sweep.x.linspace n (the number of values) must be a whole number, not '2.5'"},
    {M I "batch:\n  sweep:\n    x: {linspace: [0, 1]}\n", "8:19", "batch.sweep.x.linspace must be [start, stop, n] (3 entries), not 2 entries"},
    {M I "batch:\n  sweep:\n    x: {logspace: [-1, 1, 3]}\n", "8:20",
     "batch.sweep.x.logspace start must be > 0 (logspace endpoints are the values themselves), not -1"},
    {M I "batch:\n  sweep:\n    x: {logspace: [1, 0, 3]}\n", "8:23",
     "batch.sweep.x.logspace stop must be > 0 (logspace endpoints are the values themselves), not 0"},
    {M I "batch:\n  grid: verbatim\n  sweep:\n    x: [1, 2, 3]\n    k: {linspace: [0, 1, 4]}\n", "10:5",
     "a verbatim grid zips its axes, so they need equal lengths: 'x' has 3 values, 'k' has 4"},
    /* model */
    {"model:\n  states: {}\n  equations: dx = -x\n" I, "2:3", "model.states is empty; declare at least one state"},
    {"model:\n  states:\n  equations: dx = -x\n" I, "2:3", "model.states is empty"},
    {"model:\n  equations: dx = -x\n" I, "1:1", "missing required key 'states' in model"},
    {"model:\n  states: {x: 1}\n" I, "1:1", "missing required key 'equations' in model"},
    {I, "1:1", "missing required section 'model'"},
    {M, "1:1", "missing required section 'integrator'"},
    {"model:\n  states: {x: 1}\n  drivers: {u: [1, 2]}\n  equations: dx = -x\n" I, "3:16", "model.drivers.u must be a mapping {file: ..., dt: ..., interpolation: ...}, not a list"},
    {"model:\n  states: {x: 1}\n  drivers: {u: {values: [1, 2], file: a.csv, dt: 1}}\n  equations: dx = -x\n" I, "3:17", "model.drivers.u has both 'file' and 'values'; give one source of samples"},
    {"model:\n  states: {x: 1}\n  drivers: {u: {values: [1, 2, 3], dt: 1, interpolation: cubic}}\n  equations: dx = -x\n" I, "3:25", "model.drivers.u.values has 3 samples; cubic interpolation needs at least 4"},
    {"model:\n  states: {x: 1}\n  drivers: {u: {file: no_such.csv, dt: 1}}\n  equations: dx = -x\n" I, "3:23", "cannot read driver file 'no_such.csv'"},
    {"model:\n  states: {x: 1}\n  drivers: {u: {values: [1, 2], dt: 1, outside: wrap}}\n  equations: dx = -x\n" I, "3:49", "unknown outside rule 'wrap'"},
    {"model:\n  states: {x: 1}\n  drivers: [u]\n  equations: dx = -x\n" I, "3:12", "model.drivers must be a mapping"},
    {"model:\n  name: ''\n  states: {x: 1}\n  equations: dx = -x\n" I, "2:9", "model.name must not be empty"},
    {M I "output: {file: \"\"}\n", "6:16", "output.file must not be empty"},
    /* memory_limit */
    {M I "run: {memory_limit: 12XB}\n", "6:21", "run.memory_limit '12XB' is not a valid size: unknown unit"},
    {M I "run: {memory_limit: 0}\n", "6:21", "run.memory_limit '0' is not a valid size: a memory limit must be at least one byte"},
    {M I "run: {memory_limit: -5MiB}\n", "6:21", "run.memory_limit '-5MiB' is not a valid size: expected a number of bytes"},
    {M I "run: {memory_limit: [1]}\n", "6:21", "run.memory_limit must be a size such as 2GiB, not a list"},
};

static void run_case(int i, const error_case *c) {
  cubie_config *cfg = NULL;
  int rc = cubie_config_load_text("e.yaml", c->deck, NULL, 0, &cfg);
  char expected[1024];
  snprintf(expected, sizeof expected, "e.yaml:%s: %s", c->at, c->message);
  const char *msg = cubie_error_message();
  if (rc != CUBIE_ERR_INPUT || cfg != NULL || strncmp(msg, expected, strlen(expected)) != 0) {
    fprintf(stderr, "case %d: rc %d\n  got:      %s\n  expected: %s...\n  deck:\n%s\n", i, rc, msg, expected,
            c->deck);
    check_failures++;
  }
  cubie_config_destroy(&cfg);
}

int main(void) {
  for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) run_case(i, &cases[i]);
  /* "did you mean" is left out when nothing is close */
  cubie_config *cfg = NULL;
  CHECK_FAILS(cubie_config_load_text("e.yaml", M I "  zzzzzz: 1\n", NULL, 0, &cfg), CUBIE_ERR_INPUT);
  CHECK(strstr(cubie_error_message(), "did you mean") == NULL);
  CHECK_DONE();
}
