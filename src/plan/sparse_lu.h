/* sparse_lu.h — the symbolic sparse LU of the iteration matrix M = c·I − J:
 * a fill-reducing elimination order for the Jacobian's structural pattern,
 * the fill that order causes, and the index tables the kernel's numeric
 * factorisation and solves follow (kernels/linsolve_sparse.h says how).
 *
 * Done once per job, on the host, from the pattern alone (values never
 * matter: the kernel pivots on M's diagonal in this static order). M's
 * pattern is J's plus the whole diagonal (c·I). Two orders are tried: the
 * natural one (states as the deck lists them) and minimum degree on the
 * symmetrised pattern M + Mᵀ (exact minimum degree on the elimination
 * graph, ties to the lowest state index: deterministic); the one whose
 * factorisation takes fewer multiply-adds is kept (the natural order on a
 * tie: it is already optimal for a banded pattern).
 *
 * It never touches the model, the deck or files; it only computes.
 */
#ifndef CUBIE_SPARSE_LU_H
#define CUBIE_SPARSE_LU_H

#include "model/model_jacobian.h"

/* Beyond these the analysis gives up (CUBIE_ERR_UNAVAILABLE, with the
 * reason): minimum degree keeps an N × N bit matrix (8 MiB at the limit),
 * and a factorisation of more multiply-adds than this is no longer sparse
 * (its update table alone would be megabytes of kernel constants). */
#define CUBIE_SPARSE_LU_MAX_STATES 8192
#define CUBIE_SPARSE_LU_MAX_OPERATIONS (1 << 20)

typedef enum cubie_sparse_order {
  CUBIE_SPARSE_ORDER_NATURAL = 0,
  CUBIE_SPARSE_ORDER_MINIMUM_DEGREE
} cubie_sparse_order;

typedef struct cubie_sparse_lu {
  int n;                  /* states */
  int jac_nnz;            /* J's structural non-zeros */
  int nnz;                /* entries of the factors (M's pattern and the fill) */
  int fill;               /* of which fill: entries M has as structural zeros */
  int l_nnz, u_nnz;       /* strictly below / above the diagonal */
  long long operations;   /* multiply-adds of one factorisation (updates) */
  long long natural_operations, minimum_degree_operations; /* both candidates' (-1: gave up) */
  cubie_sparse_order order;
  /* The tables (kernels/linsolve_sparse.h): positions in the factors are in
   * elimination order, row by row, columns ascending in elimination order. */
  int *perm;      /* [n] state eliminated at step s */
  int *diag;      /* [n] position of step s's pivot */
  int *j_pos;     /* [jac_nnz] position of J's k-th non-zero */
  int *j_start;   /* [n + 1] J's row i is non-zeros [j_start[i], j_start[i + 1]) */
  int *l_start;   /* [n + 1] */
  int *l_pos, *l_step, *l_col; /* [l_nnz] */
  int *u_start;   /* [n + 1] */
  int *u_pos, *u_col;          /* [u_nnz] */
  int *update;    /* [operations] where each update lands */
} cubie_sparse_lu;

/* The symbolic factorisation of M for J's pattern (n states, nnz entries in
 * row-major order). CUBIE_ERR_UNAVAILABLE (message: why) when n or the
 * operations exceed the limits above, or the factors would have more than
 * max_nnz entries (0: no bound) — the caller's per-run memory budget. */
int cubie_sparse_lu_create(int n, const cubie_model_jacobian_entry *pattern, int nnz,
                           long long max_nnz, cubie_sparse_lu **out);
void cubie_sparse_lu_destroy(cubie_sparse_lu **lu);

/* "minimum degree" / "natural" */
const char *cubie_sparse_order_name(cubie_sparse_order order);

#endif
