/* model_emit.h — the printer behind the generated model code, shared by
 * model_codegen.c (rhs, outputs) and model_jacobian_codegen.c (the
 * derivative functions). Nothing outside the model's own files includes it.
 *
 * An emitter prints one function at a time: plan() decides, for the nodes
 * reachable from the values the function returns, which are printed and
 * which become `cse_N` temporaries (used more than once, observables, or
 * cut out of very deep expressions); emit_temporaries() prints those in
 * ascending node order (a topological order) and emit_expr() prints any
 * planned node's value.
 */
#ifndef CUBIE_MODEL_EMIT_H
#define CUBIE_MODEL_EMIT_H

#include "model/model_internal.h"
#include "util/strbuf.h"

typedef struct cubie_model_emitter {
  const cubie_model *m;
  const cubie_expr_graph *g;
  char *reachable;    /* per node */
  int *uses;          /* per node: how often the printed text names it */
  int *temp;          /* per node: temporary number, or -1 */
  int *depth;         /* per node: nesting of its inlined text */
  int *observable_of; /* per node: the observable whose value it is, or -1 */
  cubie_strbuf *out;
} cubie_model_emitter;

int cubie_model_emitter_init(cubie_model_emitter *E, const cubie_model *m, cubie_strbuf *out);
void cubie_model_emitter_free(cubie_model_emitter *E);
/* Plan the function that returns roots[0 .. n_roots-1]. */
void cubie_model_emitter_plan(cubie_model_emitter *E, const int *roots, int n_roots);
/* After a plan: the operations the function computes (each printed
 * operation node once) and how many of them are temporaries. */
void cubie_model_emitter_count(const cubie_model_emitter *E, int *expressions, int *temporaries);
int cubie_model_emit_temporaries(cubie_model_emitter *E);
int cubie_model_emit_expr(cubie_model_emitter *E, int id);
/* " /" "* PREFIXname *" "/" with anything that could end the comment replaced. */
int cubie_model_emit_comment_name(cubie_strbuf *out, const char *prefix, const char *name);

/* "(double t, const cubie_real *CUBIE_RESTRICT y, const cubie_real
 * *CUBIE_RESTRICT p,\n    cubie_real *CUBIE_RESTRICT ": a function's
 * parameters up to its output array's name. */
extern const char *const cubie_model_signature_head;

#endif
