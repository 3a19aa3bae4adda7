/* linear_solver.c — the linear solver of an implicit method's kernel (see
 * linear_solver.h). */
#include "plan/linear_solver.h"

#include <stdio.h>
#include <string.h>

#include "kernels/buffers.def"
#include "model/model_jacobian.h"
#include "plan/sparse_lu.h"
#include "util/error.h"

long long cubie_linear_solver_bytes(cubie_linear_solver k, bool complex_pair, int n, int jac_nnz,
                                    int lu_nnz, size_t real_size) {
  const cubie_linear_solver_info *info = cubie_linear_solver_at(k);
  if (!info) return 0;
  char family[64], family_complex[80];
  snprintf(family, sizeof family, "LINSOLVE_%s", info->id);
  snprintf(family_complex, sizeof family_complex, "%s_COMPLEX", family);
  long long elements = 0;
  /* The rows' expressions with the names they may use (the others are not
   * the solvers' and count nothing here). */
#define CUBIE_N_STATES ((long long)n)
#define CUBIE_SPARSE_JAC_NNZ ((long long)jac_nnz)
#define CUBIE_SPARSE_LU_NNZ ((long long)lu_nnz)
#define CUBIE_N_PARAMETERS 0LL
#define CUBIE_N_OUTPUTS 0LL
#define CUBIE_N_ACCUMULATORS 0LL
#define CUBIE_METHOD_STAGES 0LL
#define CUBIE_METHOD_DENSE_STAGES 0LL
#define SOLVER_ROW(FAMILY, OWNER, PARENT, NAME, count, what)                                  \
  if (strcmp(#FAMILY, family) == 0 || (complex_pair && strcmp(#FAMILY, family_complex) == 0)) \
    elements += (count);
  CUBIE_BUFFER_ROWS(SOLVER_ROW)
#undef SOLVER_ROW
#undef CUBIE_METHOD_DENSE_STAGES
#undef CUBIE_METHOD_STAGES
#undef CUBIE_N_ACCUMULATORS
#undef CUBIE_N_OUTPUTS
#undef CUBIE_N_PARAMETERS
#undef CUBIE_SPARSE_LU_NNZ
#undef CUBIE_SPARSE_JAC_NNZ
#undef CUBIE_N_STATES
  return elements * (long long)real_size;
}

static const char *name_of(cubie_linear_solver k) { return cubie_linear_solver_at(k)->name; }

static const char *bytes_text(long long bytes, char *buf, size_t size) {
  cubie_format_bytes((double)bytes, buf, size);
  return buf;
}

/* The dense LU's multiply-adds (the sparse count's definition: one per
 * update a_ij −= l_ik u_kj). */
static double dense_operations(int n) { return (double)n * (n - 1) * (2.0 * n - 1) / 6.0; }

cubie_linear_solver cubie_linear_solver_auto(const cubie_linear_solver_facts *f, char *why,
                                             size_t why_size) {
  const double work = f->sparse_bytes < 0 || f->n_states < 2
                          ? 1.0
                          : (double)f->sparse_operations / dense_operations(f->n_states);
  const bool dense_fits = f->dense_bytes <= f->budget;
  const bool sparse_fits = f->sparse_bytes >= 0 && f->sparse_bytes <= f->budget;
  char b[32];
  if (f->n_states <= CUBIE_LINEAR_SOLVER_AUTO_DENSE_STATES && dense_fits) {
    snprintf(why, why_size, "auto: %d states, at most %d", f->n_states,
             CUBIE_LINEAR_SOLVER_AUTO_DENSE_STATES);
    return CUBIE_LINEAR_SOLVER_DENSE;
  }
  if (sparse_fits && work <= CUBIE_LINEAR_SOLVER_AUTO_SPARSE_WORK) {
    snprintf(why, why_size,
             "auto: %d states, more than %d; the pattern's LU takes %lld multiply-adds, %.1f%% "
             "of a dense one's (at most %.0f%%)",
             f->n_states, CUBIE_LINEAR_SOLVER_AUTO_DENSE_STATES, f->sparse_operations,
             100.0 * work, 100.0 * CUBIE_LINEAR_SOLVER_AUTO_SPARSE_WORK);
    return CUBIE_LINEAR_SOLVER_SPARSE;
  }
  if (dense_fits) {
    if (f->sparse_bytes < 0)
      snprintf(why, why_size, "auto: %d states, and no sparse LU (%s)", f->n_states, f->sparse_why);
    else
      snprintf(why, why_size,
               "auto: the pattern's LU takes %.1f%% of a dense one's multiply-adds (more than %.0f%%)",
               100.0 * work, 100.0 * CUBIE_LINEAR_SOLVER_AUTO_SPARSE_WORK);
    return CUBIE_LINEAR_SOLVER_DENSE;
  }
  if (sparse_fits) {
    snprintf(why, why_size, "auto: dense needs %s per run, more than the %lld KiB a run may hold",
             bytes_text(f->dense_bytes, b, sizeof b), f->budget / 1024);
    return CUBIE_LINEAR_SOLVER_SPARSE;
  }
  if (f->krylov_bytes <= f->budget) {
    snprintf(why, why_size,
             "auto: neither dense nor sparse LU factors fit the %lld KiB a run may hold",
             f->budget / 1024);
    return CUBIE_LINEAR_SOLVER_KRYLOV;
  }
  snprintf(why, why_size, "no solver fits");
  return CUBIE_LINEAR_SOLVER_AUTO;
}

/* The sparse factorisation within the budget, or why there is none (a
 * message; CUBIE_OK either way, unless memory ran out). */
static int analyse_sparse(const cubie_plan *p, const cubie_model *m, cubie_sparse_lu **lu,
                          long long *bytes, char *why, size_t why_size) {
  const int n = cubie_model_n_states(m), jac_nnz = cubie_model_jacobian_nnz(m);
  const bool cplx = p->algorithm->complex_pair;
  /* Entries the budget leaves for the factors after J's values. */
  const long long per_entry = (long long)p->real_size * (cplx ? 3 : 1);
  long long max_nnz = (CUBIE_LINEAR_SOLVER_RUN_BYTES - (long long)jac_nnz * (long long)p->real_size) / per_entry;
  if (max_nnz < 1) max_nnz = 1;
  *lu = NULL;
  *bytes = -1;
  int rc = cubie_sparse_lu_create(n, cubie_model_jacobian_pattern(m), jac_nnz, max_nnz, lu);
  if (rc == CUBIE_ERR_UNAVAILABLE) {
    snprintf(why, why_size, "%s", cubie_error_message());
    cubie_error_clear(); /* a verdict, not a failure */
    return CUBIE_OK;
  }
  CUBIE_CALL(rc);
  *bytes = cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_SPARSE, cplx, n, jac_nnz, (*lu)->nnz,
                                     p->real_size);
  why[0] = '\0';
  return CUBIE_OK;
}

static int cannot_hold(const cubie_plan *p, const cubie_config *cfg, const cubie_model *m,
                       const cubie_linear_solver_facts *f, cubie_linear_solver k) {
  char need[32], sparse[64], dense[32], krylov[32];
  bytes_text(f->dense_bytes, dense, sizeof dense);
  bytes_text(f->krylov_bytes, krylov, sizeof krylov);
  if (f->sparse_bytes >= 0)
    bytes_text(f->sparse_bytes, sparse, sizeof sparse);
  else
    snprintf(sparse, sizeof sparse, "none (%s)", f->sparse_why);
  const cubie_integrator_config *ic = &cfg->integrator;
  if (k == CUBIE_LINEAR_SOLVER_AUTO)
    return cubie_config_error_at(
        cfg, ic->algorithm_mark,
        "no linear solver can hold the system of model '%s' (%d states) for integrator.algorithm "
        "'%s': per run, dense needs %s, sparse %s, krylov %s; a run may hold %lld KiB "
        "(docs/algorithms.md#linear-solvers)",
        cubie_model_name(m), f->n_states, p->algorithm->name, dense, sparse, krylov,
        f->budget / 1024);
  const char *what = k == CUBIE_LINEAR_SOLVER_DENSE ? "J and its LU factors"
                     : k == CUBIE_LINEAR_SOLVER_SPARSE ? "its sparse LU factors"
                                                        : "its Krylov basis";
  if (k == CUBIE_LINEAR_SOLVER_SPARSE && f->sparse_bytes < 0)
    return cubie_config_error_at(
        cfg, ic->linear_solver_mark,
        "integrator.linear_solver 'sparse' cannot hold the system of model '%s' (%d states, %d "
        "Jacobian non-zeros): %s; use krylov (%s per run)%s",
        cubie_model_name(m), f->n_states, cubie_model_jacobian_nnz(m), f->sparse_why, krylov,
        f->dense_bytes <= f->budget ? " or dense" : "");
  bytes_text(k == CUBIE_LINEAR_SOLVER_DENSE    ? f->dense_bytes
             : k == CUBIE_LINEAR_SOLVER_SPARSE ? f->sparse_bytes
                                               : f->krylov_bytes,
             need, sizeof need);
  return cubie_config_error_at(
      cfg, ic->linear_solver_mark,
      "integrator.linear_solver '%s' cannot hold the system of model '%s' (%d states): %s need %s "
      "per run, more than the %lld KiB a run may hold (a GPU thread's local memory); per run, "
      "sparse needs %s, krylov %s (docs/algorithms.md#linear-solvers)",
      name_of(k), cubie_model_name(m), f->n_states, what, need, f->budget / 1024, sparse, krylov);
}

int cubie_plan_choose_linear_solver(cubie_plan *p, const cubie_config *cfg, const cubie_model *m) {
  if (!p->algorithm->jacobian) return CUBIE_OK;
  CUBIE_CHECK(cubie_model_has_jacobian(m), CUBIE_ERR_INTERNAL,
              "the linear solver is chosen before the model is differentiated");
  cubie_sparse_lu_destroy(&p->sparse_lu);
  const bool cplx = p->algorithm->complex_pair;
  const int n = cubie_model_n_states(m), jac_nnz = cubie_model_jacobian_nnz(m);
  char sparse_why[200];
  cubie_sparse_lu *lu = NULL;
  cubie_linear_solver_facts f;
  memset(&f, 0, sizeof f);
  f.n_states = n;
  f.budget = CUBIE_LINEAR_SOLVER_RUN_BYTES;
  f.dense_bytes = cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_DENSE, cplx, n, jac_nnz, 0, p->real_size);
  f.krylov_bytes = cubie_linear_solver_bytes(CUBIE_LINEAR_SOLVER_KRYLOV, cplx, n, jac_nnz, 0, p->real_size);
  CUBIE_CALL(analyse_sparse(p, m, &lu, &f.sparse_bytes, sparse_why, sizeof sparse_why));
  f.sparse_operations = lu ? lu->operations : 0;
  f.sparse_why = sparse_why;
  const cubie_linear_solver requested = cfg->integrator.linear_solver;
  cubie_linear_solver k = requested;
  char why[256]; /* and "; NN KiB per run" after it */
  if (requested == CUBIE_LINEAR_SOLVER_AUTO) {
    k = cubie_linear_solver_auto(&f, why, sizeof why);
  } else {
    snprintf(why, sizeof why, "integrator.linear_solver");
    const long long need = k == CUBIE_LINEAR_SOLVER_DENSE    ? f.dense_bytes
                           : k == CUBIE_LINEAR_SOLVER_SPARSE ? f.sparse_bytes
                                                             : f.krylov_bytes;
    if (need < 0 || need > f.budget) k = CUBIE_LINEAR_SOLVER_AUTO; /* refused below */
  }
  if (k == CUBIE_LINEAR_SOLVER_AUTO) {
    int rc = cannot_hold(p, cfg, m, &f, requested);
    cubie_sparse_lu_destroy(&lu);
    return rc;
  }
  /* Algorithm auto decides when stiffness has ended from ‖J‖∞
   * (cubie_linsolve_jacobian_norm, kernels/linsolve.h), which a
   * matrix-free solver never forms. */
  if (k == CUBIE_LINEAR_SOLVER_KRYLOV && strcmp(p->algorithm->family, "AUTO") == 0) {
    cubie_sparse_lu_destroy(&lu);
    return cubie_config_error_at(
        cfg, requested == CUBIE_LINEAR_SOLVER_AUTO ? cfg->integrator.algorithm_mark
                                                   : cfg->integrator.linear_solver_mark,
        "integrator.algorithm 'auto' cannot use the krylov linear solver%s: it decides when "
        "stiffness has ended from the Jacobian's norm, which a matrix-free solver never forms; "
        "use linear_solver dense or sparse, or algorithm rodas5p with krylov "
        "(docs/algorithms.md#linear-solvers)",
        requested == CUBIE_LINEAR_SOLVER_AUTO ? " (the only one that can hold this model's system)"
                                              : "");
  }
  p->linear_solver = k;
  char bytes[32];
  const long long used = k == CUBIE_LINEAR_SOLVER_DENSE    ? f.dense_bytes
                         : k == CUBIE_LINEAR_SOLVER_SPARSE ? f.sparse_bytes
                                                           : f.krylov_bytes;
  snprintf(p->linear_solver_why, sizeof p->linear_solver_why, "%s; %s per run", why,
           bytes_text(used, bytes, sizeof bytes));
  if (k == CUBIE_LINEAR_SOLVER_SPARSE)
    p->sparse_lu = lu;
  else
    cubie_sparse_lu_destroy(&lu);
  return CUBIE_OK;
}
