/* linsolve_sparse.h — the sparse implementation of the linear-solver seam
 * (linsolve.h): M = c·I − J factored along the Jacobian's structural
 * pattern, in an elimination order the host chose, with no work on
 * structural zeros.
 *
 * Responsible for the numeric factorisation and the solves only. The
 * symbolic work — the fill-reducing order, the fill pattern, where every
 * entry and every update lands — is done once per job on the host
 * (src/plan/sparse_lu.c) and emitted before the kernels as index tables
 * (src/kernel/kernel_linsolve.c):
 *   CUBIE_SPARSE_JAC_NNZ            J's structural non-zeros (the model's count)
 *   CUBIE_SPARSE_LU_NNZ             entries of the factors (the pattern of
 *                                   M = J ∪ diagonal, plus the fill)
 *   cubie_slu_index, cubie_slu_offset  the tables' element types
 *   cubie_slu_perm[s]               the state eliminated at step s
 *   cubie_slu_diag[s]               where step s's pivot is in the factors
 *   cubie_slu_j_pos[k]              where J's k-th non-zero (the pattern's
 *                                   row-major order) lands
 *   cubie_slu_j_start[i..i+1)       J's non-zeros in row i (state order)
 *   cubie_slu_l_start[s..s+1)       the L entries of row s (columns of
 *                                   earlier steps, in elimination order):
 *     cubie_slu_l_pos, cubie_slu_l_step, cubie_slu_l_col
 *                                   where, which step, which state
 *   cubie_slu_u_start[s..s+1)       the U entries of row s right of the
 *                                   pivot, in elimination order:
 *     cubie_slu_u_pos, cubie_slu_u_col
 *   cubie_slu_update[t]             where update t lands: for each L entry
 *                                   (s, k) in order, one per U entry of row
 *                                   k, a_sj −= l_sk u_kj
 * It never reads another run's data, never allocates (its buffers are
 * buffers.def rows of family LINSOLVE_SPARSE, owner LINSOLVE) and never
 * pivots.
 *
 * Row by row (IKJ) elimination: each entry receives its updates in
 * ascending step order, as in the dense right-looking LU, so in the natural
 * order without row interchanges the arithmetic is the dense solver's
 * operation for operation (minus the multiplications by structural zeros).
 * The diagonal of U is stored inverted (the solves multiply).
 *
 * Pivoting: none — the pivots are M's diagonal in the host's static order
 * (as KPP's generated sparse LU for stiff chemistry does). M = c·I − J with
 * c = 1/(γh) is close to c·I for the step sizes where the stiff components
 * matter less and exactly diagonal as h → 0, so a step whose pivot is 0 or
 * not finite is retried smaller by the family (outcome singular /
 * nonfinite, as with the dense solver), which moves M towards c·I. Small
 * pivots that are not zero lose accuracy gracefully: the Newton families
 * iterate the error away, and docs/algorithms.md says how Rosenbrock
 * methods fare.
 */
#ifndef CUBIE_LINSOLVE_SPARSE_H
#define CUBIE_LINSOLVE_SPARSE_H

#ifndef CUBIE_SPARSE_LU_NNZ
#error "linsolve_sparse.h: the host emits the symbolic factorisation (CUBIE_SPARSE_LU_NNZ, cubie_slu_*) before the kernels"
#endif

typedef struct cubie_linsolve_work {
  cubie_real *jx; /* LINSOLVE.SPARSE_JACOBIAN: J's non-zeros */
  cubie_real *lu; /* LINSOLVE.SPARSE_LU: the factors of M = c·I − J */
#if CUBIE_LINSOLVE_COMPLEX
  cubie_real *lu_re, *lu_im; /* LINSOLVE.SPARSE_LU_COMPLEX: real parts, then imaginary parts */
#endif
} cubie_linsolve_work;

#if CUBIE_LINSOLVE_COMPLEX
#define CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls)                 \
  CUBIE_BUFFER(LINSOLVE, SPARSE_LU_COMPLEX, ls##_lu_c_);    \
  ls.lu_re = ls##_lu_c_;                                    \
  ls.lu_im = ls##_lu_c_ + CUBIE_SPARSE_LU_NNZ
#else
#define CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls) (void)0
#endif

#define CUBIE_LINSOLVE_DECLARE_WORK(ls)               \
  CUBIE_BUFFER(LINSOLVE, SPARSE_JACOBIAN, ls##_jx_);   \
  CUBIE_BUFFER(LINSOLVE, SPARSE_LU, ls##_lu_);         \
  cubie_linsolve_work ls;                             \
  ls.jx = ls##_jx_;                                   \
  ls.lu = ls##_lu_;                                   \
  CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls)

/* ---- the arithmetic, on explicit arrays ---------------------------------- */

/* M's real part, −J + (shift on the diagonal), into the factors' layout
 * (fill entries 0). 0 when J or the shift is not finite. */
CUBIE_DEVICE int cubie_slu_form(const cubie_real *CUBIE_RESTRICT jx, cubie_real shift,
                                cubie_real *CUBIE_RESTRICT lu) {
  for (int q = 0; q < CUBIE_SPARSE_LU_NNZ; q++) lu[q] = (cubie_real)0;
  int finite = cubie_real_isfinite(shift);
  for (int k = 0; k < CUBIE_SPARSE_JAC_NNZ; k++) {
    const cubie_real v = jx[k];
    finite &= cubie_real_isfinite(v);
    lu[cubie_slu_j_pos[k]] = -v;
  }
  for (int s = 0; s < CUBIE_N_STATES; s++) lu[cubie_slu_diag[s]] += shift;
  return finite;
}

/* Factor lu (cubie_slu_form's layout) in place: CUBIE_STEP_OK, _SINGULAR
 * or _NONFINITE (a zero or non-finite pivot). */
CUBIE_DEVICE int cubie_slu_factor(cubie_real *CUBIE_RESTRICT lu) {
  int t = 0;
  for (int s = 0; s < CUBIE_N_STATES; s++) {
    const int e_end = (int)cubie_slu_l_start[s + 1];
    for (int e = (int)cubie_slu_l_start[s]; e < e_end; e++) {
      const int k = (int)cubie_slu_l_step[e];
      const int at = (int)cubie_slu_l_pos[e];
      const cubie_real l = lu[at] * lu[cubie_slu_diag[k]];
      lu[at] = l;
      const int f_end = (int)cubie_slu_u_start[k + 1];
      for (int f = (int)cubie_slu_u_start[k]; f < f_end; f++, t++)
        lu[cubie_slu_update[t]] -= l * lu[cubie_slu_u_pos[f]];
    }
    const int d = (int)cubie_slu_diag[s];
    const cubie_real pivot = lu[d];
    if (!cubie_real_isfinite(pivot)) return CUBIE_STEP_NONFINITE;
    if (pivot == (cubie_real)0) return CUBIE_STEP_SINGULAR;
    lu[d] = (cubie_real)1 / pivot;
  }
  return CUBIE_STEP_OK;
}

/* x ← M⁻¹ x with the factors of cubie_slu_factor, in place: forward in
 * elimination order (each step reads only states eliminated before it),
 * then backward. */
CUBIE_DEVICE void cubie_slu_solve(const cubie_real *CUBIE_RESTRICT lu, cubie_real *CUBIE_RESTRICT x) {
  for (int s = 0; s < CUBIE_N_STATES; s++) {
    const int i = (int)cubie_slu_perm[s];
    cubie_real acc = x[i];
    const int e_end = (int)cubie_slu_l_start[s + 1];
    for (int e = (int)cubie_slu_l_start[s]; e < e_end; e++)
      acc -= lu[cubie_slu_l_pos[e]] * x[cubie_slu_l_col[e]];
    x[i] = acc;
  }
  for (int s = CUBIE_N_STATES - 1; s >= 0; s--) {
    const int i = (int)cubie_slu_perm[s];
    cubie_real acc = x[i];
    const int f_end = (int)cubie_slu_u_start[s + 1];
    for (int f = (int)cubie_slu_u_start[s]; f < f_end; f++)
      acc -= lu[cubie_slu_u_pos[f]] * x[cubie_slu_u_col[f]];
    x[i] = acc * lu[cubie_slu_diag[s]];
  }
}

#if CUBIE_LINSOLVE_COMPLEX
/* The complex factorisation of (re + i·im) in place, as cubie_slu_factor. */
CUBIE_DEVICE int cubie_slu_factor_complex(cubie_real *CUBIE_RESTRICT re, cubie_real *CUBIE_RESTRICT im) {
  int t = 0;
  for (int s = 0; s < CUBIE_N_STATES; s++) {
    const int e_end = (int)cubie_slu_l_start[s + 1];
    for (int e = (int)cubie_slu_l_start[s]; e < e_end; e++) {
      const int k = (int)cubie_slu_l_step[e];
      const int at = (int)cubie_slu_l_pos[e], dk = (int)cubie_slu_diag[k];
      const cubie_real xr = re[at], xi = im[at], ir = re[dk], ii = im[dk];
      const cubie_real lr = xr * ir - xi * ii, li = xr * ii + xi * ir;
      re[at] = lr;
      im[at] = li;
      const int f_end = (int)cubie_slu_u_start[k + 1];
      for (int f = (int)cubie_slu_u_start[k]; f < f_end; f++, t++) {
        const int u = (int)cubie_slu_u_pos[f], to = (int)cubie_slu_update[t];
        const cubie_real ur = re[u], ui = im[u];
        re[to] -= lr * ur - li * ui;
        im[to] -= lr * ui + li * ur;
      }
    }
    const int d = (int)cubie_slu_diag[s];
    const cubie_real pr = re[d], pi = im[d];
    if (!cubie_real_isfinite(pr) || !cubie_real_isfinite(pi)) return CUBIE_STEP_NONFINITE;
    if (pr == (cubie_real)0 && pi == (cubie_real)0) return CUBIE_STEP_SINGULAR;
    /* 1 / (pr + i pi) = (pr − i pi) / (pr² + pi²) */
    const cubie_real q = (cubie_real)1 / (pr * pr + pi * pi);
    re[d] = pr * q;
    im[d] = -pi * q;
  }
  return CUBIE_STEP_OK;
}

/* (xr + i·xi) ← M⁻¹ (xr + i·xi) with cubie_slu_factor_complex's factors. */
CUBIE_DEVICE void cubie_slu_solve_complex(const cubie_real *CUBIE_RESTRICT re,
                                          const cubie_real *CUBIE_RESTRICT im,
                                          cubie_real *CUBIE_RESTRICT xr, cubie_real *CUBIE_RESTRICT xi) {
  for (int s = 0; s < CUBIE_N_STATES; s++) {
    const int i = (int)cubie_slu_perm[s];
    cubie_real sr = xr[i], si = xi[i];
    const int e_end = (int)cubie_slu_l_start[s + 1];
    for (int e = (int)cubie_slu_l_start[s]; e < e_end; e++) {
      const int at = (int)cubie_slu_l_pos[e], j = (int)cubie_slu_l_col[e];
      sr -= re[at] * xr[j] - im[at] * xi[j];
      si -= re[at] * xi[j] + im[at] * xr[j];
    }
    xr[i] = sr;
    xi[i] = si;
  }
  for (int s = CUBIE_N_STATES - 1; s >= 0; s--) {
    const int i = (int)cubie_slu_perm[s];
    cubie_real sr = xr[i], si = xi[i];
    const int f_end = (int)cubie_slu_u_start[s + 1];
    for (int f = (int)cubie_slu_u_start[s]; f < f_end; f++) {
      const int at = (int)cubie_slu_u_pos[f], j = (int)cubie_slu_u_col[f];
      sr -= re[at] * xr[j] - im[at] * xi[j];
      si -= re[at] * xi[j] + im[at] * xr[j];
    }
    const int d = (int)cubie_slu_diag[s];
    xr[i] = sr * re[d] - si * im[d];
    xi[i] = sr * im[d] + si * re[d];
  }
}
#endif

/* ---- the seam (linsolve.h) ------------------------------------------------ */

CUBIE_DEVICE void cubie_linsolve_jacobian(cubie_linsolve_work *ls, double t,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT p,
                                          cubie_real *CUBIE_RESTRICT f, cubie_i64 *counters) {
  cubie_model_rhs_jacobian_values(t, y, p, f, ls->jx);
  counters[CUBIE_COUNTER_JACOBIAN_EVALS] += 1;
  counters[CUBIE_COUNTER_RHS_EVALS] += 1;
}

CUBIE_DEVICE int cubie_linsolve_factor(cubie_linsolve_work *ls, cubie_real c, cubie_i64 *counters) {
  counters[CUBIE_COUNTER_LU] += 1;
  if (!cubie_slu_form(ls->jx, c, ls->lu)) return CUBIE_STEP_NONFINITE;
  return cubie_slu_factor(ls->lu);
}

CUBIE_INLINE int cubie_linsolve_solve(cubie_linsolve_work *ls, cubie_real *CUBIE_RESTRICT x,
                                      cubie_i64 *counters) {
  cubie_slu_solve(ls->lu, x);
  counters[CUBIE_COUNTER_LINEAR] += 1;
  return CUBIE_STEP_OK;
}

/* ‖J‖∞ over the pattern (structural zeros add nothing). */
CUBIE_DEVICE cubie_real cubie_linsolve_jacobian_norm(const cubie_linsolve_work *ls) {
  cubie_real norm = (cubie_real)0;
  for (int i = 0; i < CUBIE_N_STATES; i++) {
    cubie_real row = (cubie_real)0;
    for (int k = (int)cubie_slu_j_start[i]; k < (int)cubie_slu_j_start[i + 1]; k++)
      row += cubie_fabs(ls->jx[k]);
    norm = row > norm ? row : norm;
  }
  return norm;
}

#if CUBIE_LINSOLVE_COMPLEX
CUBIE_DEVICE int cubie_linsolve_factor_complex(cubie_linsolve_work *ls, cubie_real alpha,
                                               cubie_real beta, cubie_i64 *counters) {
  counters[CUBIE_COUNTER_LU] += 1;
  const int finite = cubie_slu_form(ls->jx, alpha, ls->lu_re) && cubie_real_isfinite(beta);
  for (int q = 0; q < CUBIE_SPARSE_LU_NNZ; q++) ls->lu_im[q] = (cubie_real)0;
  for (int s = 0; s < CUBIE_N_STATES; s++) ls->lu_im[cubie_slu_diag[s]] = beta;
  if (!finite) return CUBIE_STEP_NONFINITE;
  return cubie_slu_factor_complex(ls->lu_re, ls->lu_im);
}

CUBIE_INLINE int cubie_linsolve_solve_complex(cubie_linsolve_work *ls,
                                              cubie_real *CUBIE_RESTRICT xr,
                                              cubie_real *CUBIE_RESTRICT xi, cubie_i64 *counters) {
  cubie_slu_solve_complex(ls->lu_re, ls->lu_im, xr, xi);
  counters[CUBIE_COUNTER_LINEAR] += 1;
  return CUBIE_STEP_OK;
}
#endif

#endif
