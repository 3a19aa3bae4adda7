/* problem.h — what a cubie_problem is inside libcubie (the public side is
 * include/cubie/cubie.h), for the library's own files and for the `cubie`
 * command, which builds its jobs through the same object.
 *
 * A problem is the deck text (or an empty mapping, for one built in code),
 * the settings made on it (key paths, as --set), and the command line's
 * output/backend/threads choices. The job (config, model, grid, plan) is
 * prepared from those on demand and dropped by every change, so a problem
 * always runs what it says. It never runs anything itself and never prints.
 */
#ifndef CUBIE_API_PROBLEM_H
#define CUBIE_API_PROBLEM_H

#include <stdbool.h>

#include "cubie/cubie.h"
#include "plan/job.h"
#include "util/strbuf.h"

struct cubie_problem {
  char *name;           /* the deck path, or the name messages use */
  char *text;           /* the deck text; "{}" for a problem built in code */
  char **sets;          /* "key=value", in order */
  int n_sets;
  size_t cap_sets;
  char *output_file;    /* cubie_problem_set_output_file / -o; NULL: the deck's */
  int backend;          /* --backend (a cubie_backend_kind), -1: the deck's */
  int threads;          /* --threads, -1: the deck's */
  cubie_job *job;       /* prepared from the above; NULL until asked or after a change */
  cubie_strbuf warnings;
};

/* The job of the problem, prepared now if needed (CUBIE_ERR_INPUT with
 * the deck's file:line:column when the deck is wrong). Owned by the
 * problem; valid until the problem changes or is destroyed. */
int cubie_problem_job(cubie_problem *problem, const cubie_job **job);

/* The command line's choices that are not deck settings (not recorded as
 * --set arguments): -1 leaves the deck's value. */
int cubie_problem_set_backend(cubie_problem *problem, int backend);
int cubie_problem_set_threads(cubie_problem *problem, int threads);

#endif
