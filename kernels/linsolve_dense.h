/* linsolve_dense.h — the dense implementation of the linear-solver seam
 * (linsolve.h): J held as a row-major N×N matrix, M = c·I − J factored by
 * Gaussian elimination with partial pivoting (row interchanges), per run.
 *
 * Responsible for the arithmetic of the factorisation and the solves only:
 * when J is taken and M refactored is the step family's policy. It never
 * reads another run's data and never allocates (its buffers are
 * buffers.def rows of family LINSOLVE_DENSE, owner LINSOLVE).
 *
 * The factors overwrite M in place, LAPACK's getrf layout: the unit lower
 * triangle L below the diagonal, U on and above it, except that the
 * diagonal holds 1/u_kk (the solves multiply instead of divide); pivot k
 * (the row interchanged with row k at step k) is stored as a cubie_real
 * (exact: N < 2^24). A zero pivot column means M is singular
 * (CUBIE_STEP_SINGULAR); a non-finite pivot means J (or c) was not finite
 * (CUBIE_STEP_NONFINITE). The complex variant (Radau IIA's pair) keeps real
 * and imaginary parts in separate arrays and pivots on |re| + |im|
 * (LINPACK's cabs1), which is as stable and needs no square root.
 *
 * Loops run over compile-time N; they are unrolled only for small systems
 * (CUBIE_LU_UNROLL_MAX), where a fully unrolled elimination keeps the
 * matrix in registers on a GPU, and left to the compiler otherwise (an
 * unrolled N³ loop nest would not compile in reasonable time).
 */
#ifndef CUBIE_LINSOLVE_DENSE_H
#define CUBIE_LINSOLVE_DENSE_H

#define CUBIE_LU_UNROLL_MAX 8
#if CUBIE_N_STATES <= CUBIE_LU_UNROLL_MAX
#define CUBIE_LU_UNROLL CUBIE_UNROLL
#else
#define CUBIE_LU_UNROLL
#endif

/* Outcomes of the factorisations (mapped to CUBIE_STEP_* by the seam). */
#define CUBIE_LU_OK 0
#define CUBIE_LU_SINGULAR 1
#define CUBIE_LU_NONFINITE 2

/* ---- the arithmetic, on explicit arrays ---------------------------------- */

/* Factor the N×N matrix a (row-major) in place; pivots into piv. */
CUBIE_DEVICE int cubie_dense_lu_factor(cubie_real *CUBIE_RESTRICT a, cubie_real *CUBIE_RESTRICT piv) {
  const int n = CUBIE_N_STATES;
  CUBIE_LU_UNROLL
  for (int k = 0; k < n; k++) {
    int p = k;
    cubie_real big = cubie_fabs(a[k * n + k]);
    int finite = cubie_isfinite((double)a[k * n + k]);
    CUBIE_LU_UNROLL
    for (int i = k + 1; i < n; i++) {
      const cubie_real v = cubie_fabs(a[i * n + k]);
      finite &= cubie_isfinite((double)v);
      if (v > big) {
        big = v;
        p = i;
      }
    }
    piv[k] = (cubie_real)p;
    if (!finite) return CUBIE_LU_NONFINITE;
    if (big == (cubie_real)0) return CUBIE_LU_SINGULAR;
    if (p != k) {
      CUBIE_LU_UNROLL
      for (int j = 0; j < n; j++) {
        const cubie_real s = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = s;
      }
    }
    const cubie_real inv = (cubie_real)1 / a[k * n + k];
    a[k * n + k] = inv;
    CUBIE_LU_UNROLL
    for (int i = k + 1; i < n; i++) {
      const cubie_real l = a[i * n + k] * inv;
      a[i * n + k] = l;
      CUBIE_LU_UNROLL
      for (int j = k + 1; j < n; j++) a[i * n + j] -= l * a[k * n + j];
    }
  }
  return CUBIE_LU_OK;
}

/* x ← (LU)⁻¹ P x with the factors of cubie_dense_lu_factor. */
CUBIE_DEVICE void cubie_dense_lu_solve(const cubie_real *CUBIE_RESTRICT lu,
                                       const cubie_real *CUBIE_RESTRICT piv,
                                       cubie_real *CUBIE_RESTRICT x) {
  const int n = CUBIE_N_STATES;
  CUBIE_LU_UNROLL
  for (int k = 0; k < n; k++) {
    const int p = (int)piv[k];
    if (p != k) {
      const cubie_real s = x[k];
      x[k] = x[p];
      x[p] = s;
    }
  }
  CUBIE_LU_UNROLL
  for (int i = 1; i < n; i++) {
    cubie_real s = x[i];
    CUBIE_LU_UNROLL
    for (int j = 0; j < i; j++) s -= lu[i * n + j] * x[j];
    x[i] = s;
  }
  CUBIE_LU_UNROLL
  for (int i = n - 1; i >= 0; i--) {
    cubie_real s = x[i];
    CUBIE_LU_UNROLL
    for (int j = i + 1; j < n; j++) s -= lu[i * n + j] * x[j];
    x[i] = s * lu[i * n + i];
  }
}

/* Factor the complex N×N matrix (ar + i·ai) in place; pivots into piv. */
CUBIE_DEVICE int cubie_dense_lu_factor_complex(cubie_real *CUBIE_RESTRICT ar,
                                               cubie_real *CUBIE_RESTRICT ai,
                                               cubie_real *CUBIE_RESTRICT piv) {
  const int n = CUBIE_N_STATES;
  CUBIE_LU_UNROLL
  for (int k = 0; k < n; k++) {
    int p = k;
    cubie_real big = (cubie_real)-1;
    int finite = 1;
    CUBIE_LU_UNROLL
    for (int i = k; i < n; i++) {
      const cubie_real v = cubie_fabs(ar[i * n + k]) + cubie_fabs(ai[i * n + k]);
      finite &= cubie_isfinite((double)v);
      if (v > big) {
        big = v;
        p = i;
      }
    }
    piv[k] = (cubie_real)p;
    if (!finite) return CUBIE_LU_NONFINITE;
    if (big == (cubie_real)0) return CUBIE_LU_SINGULAR;
    if (p != k) {
      CUBIE_LU_UNROLL
      for (int j = 0; j < n; j++) {
        cubie_real s = ar[k * n + j];
        ar[k * n + j] = ar[p * n + j];
        ar[p * n + j] = s;
        s = ai[k * n + j];
        ai[k * n + j] = ai[p * n + j];
        ai[p * n + j] = s;
      }
    }
    /* 1 / (pr + i pi) = (pr − i pi) / (pr² + pi²) */
    const cubie_real pr = ar[k * n + k], pi = ai[k * n + k];
    const cubie_real d = (cubie_real)1 / (pr * pr + pi * pi);
    const cubie_real ir = pr * d, ii = -pi * d;
    ar[k * n + k] = ir;
    ai[k * n + k] = ii;
    CUBIE_LU_UNROLL
    for (int i = k + 1; i < n; i++) {
      const cubie_real xr = ar[i * n + k], xi = ai[i * n + k];
      const cubie_real lr = xr * ir - xi * ii, li = xr * ii + xi * ir;
      ar[i * n + k] = lr;
      ai[i * n + k] = li;
      CUBIE_LU_UNROLL
      for (int j = k + 1; j < n; j++) {
        const cubie_real ur = ar[k * n + j], ui = ai[k * n + j];
        ar[i * n + j] -= lr * ur - li * ui;
        ai[i * n + j] -= lr * ui + li * ur;
      }
    }
  }
  return CUBIE_LU_OK;
}

/* (xr + i·xi) ← (LU)⁻¹ P (xr + i·xi) with cubie_dense_lu_factor_complex's factors. */
CUBIE_DEVICE void cubie_dense_lu_solve_complex(const cubie_real *CUBIE_RESTRICT lr,
                                               const cubie_real *CUBIE_RESTRICT li,
                                               const cubie_real *CUBIE_RESTRICT piv,
                                               cubie_real *CUBIE_RESTRICT xr,
                                               cubie_real *CUBIE_RESTRICT xi) {
  const int n = CUBIE_N_STATES;
  CUBIE_LU_UNROLL
  for (int k = 0; k < n; k++) {
    const int p = (int)piv[k];
    if (p != k) {
      cubie_real s = xr[k];
      xr[k] = xr[p];
      xr[p] = s;
      s = xi[k];
      xi[k] = xi[p];
      xi[p] = s;
    }
  }
  CUBIE_LU_UNROLL
  for (int i = 1; i < n; i++) {
    cubie_real sr = xr[i], si = xi[i];
    CUBIE_LU_UNROLL
    for (int j = 0; j < i; j++) {
      sr -= lr[i * n + j] * xr[j] - li[i * n + j] * xi[j];
      si -= lr[i * n + j] * xi[j] + li[i * n + j] * xr[j];
    }
    xr[i] = sr;
    xi[i] = si;
  }
  CUBIE_LU_UNROLL
  for (int i = n - 1; i >= 0; i--) {
    cubie_real sr = xr[i], si = xi[i];
    CUBIE_LU_UNROLL
    for (int j = i + 1; j < n; j++) {
      sr -= lr[i * n + j] * xr[j] - li[i * n + j] * xi[j];
      si -= lr[i * n + j] * xi[j] + li[i * n + j] * xr[j];
    }
    xr[i] = sr * lr[i * n + i] - si * li[i * n + i];
    xi[i] = sr * li[i * n + i] + si * lr[i * n + i];
  }
}

CUBIE_INLINE int cubie_dense_lu_outcome(int rc) {
  return rc == CUBIE_LU_OK ? CUBIE_STEP_OK
                           : (rc == CUBIE_LU_SINGULAR ? CUBIE_STEP_SINGULAR : CUBIE_STEP_NONFINITE);
}

/* ---- the seam (linsolve.h) ------------------------------------------------ */

typedef struct cubie_linsolve_work {
  cubie_real *jac; /* LINSOLVE.JACOBIAN: J, row-major */
  cubie_real *lu;  /* LINSOLVE.LU: the factors of M = c·I − J */
  cubie_real *piv; /* LINSOLVE.PIVOTS */
#if CUBIE_LINSOLVE_COMPLEX
  cubie_real *lu_re, *lu_im; /* LINSOLVE.LU_COMPLEX: real parts, then imaginary parts */
  cubie_real *piv_c;         /* LINSOLVE.PIVOTS_COMPLEX */
#endif
} cubie_linsolve_work;

#if CUBIE_LINSOLVE_COMPLEX
#define CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls)             \
  CUBIE_BUFFER(LINSOLVE, LU_COMPLEX, ls##_lu_c_);       \
  CUBIE_BUFFER(LINSOLVE, PIVOTS_COMPLEX, ls##_piv_c_);  \
  ls.lu_re = ls##_lu_c_;                                \
  ls.lu_im = ls##_lu_c_ + CUBIE_N_STATES * CUBIE_N_STATES; \
  ls.piv_c = ls##_piv_c_
#else
#define CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls) (void)0
#endif

#define CUBIE_LINSOLVE_DECLARE_WORK(ls)       \
  CUBIE_BUFFER(LINSOLVE, JACOBIAN, ls##_jac_); \
  CUBIE_BUFFER(LINSOLVE, LU, ls##_lu_);        \
  CUBIE_BUFFER(LINSOLVE, PIVOTS, ls##_piv_);   \
  cubie_linsolve_work ls;                      \
  ls.jac = ls##_jac_;                          \
  ls.lu = ls##_lu_;                            \
  ls.piv = ls##_piv_;                          \
  CUBIE_LINSOLVE_DECLARE_COMPLEX_(ls)

CUBIE_DEVICE void cubie_linsolve_jacobian(cubie_linsolve_work *ls, double t,
                                          const cubie_real *CUBIE_RESTRICT y,
                                          const cubie_real *CUBIE_RESTRICT p,
                                          cubie_real *CUBIE_RESTRICT f, cubie_i64 *counters) {
  cubie_model_rhs_jacobian(t, y, p, f, ls->jac);
  counters[CUBIE_COUNTER_JACOBIAN_EVALS] += 1;
  counters[CUBIE_COUNTER_RHS_EVALS] += 1;
}

CUBIE_DEVICE int cubie_linsolve_factor(cubie_linsolve_work *ls, cubie_real c, cubie_i64 *counters) {
  const int n = CUBIE_N_STATES;
  for (int i = 0; i < n * n; i++) ls->lu[i] = -ls->jac[i];
  CUBIE_LU_UNROLL
  for (int i = 0; i < n; i++) ls->lu[i * n + i] += c;
  counters[CUBIE_COUNTER_LU] += 1;
  return cubie_dense_lu_outcome(cubie_dense_lu_factor(ls->lu, ls->piv));
}

CUBIE_INLINE int cubie_linsolve_solve(cubie_linsolve_work *ls, cubie_real *CUBIE_RESTRICT x,
                                      cubie_i64 *counters) {
  cubie_dense_lu_solve(ls->lu, ls->piv, x);
  counters[CUBIE_COUNTER_LINEAR] += 1;
  return CUBIE_STEP_OK;
}

CUBIE_DEVICE cubie_real cubie_linsolve_jacobian_norm(const cubie_linsolve_work *ls) {
  const int n = CUBIE_N_STATES;
  cubie_real norm = (cubie_real)0;
  CUBIE_LU_UNROLL
  for (int i = 0; i < n; i++) {
    cubie_real row = (cubie_real)0;
    CUBIE_LU_UNROLL
    for (int j = 0; j < n; j++) row += cubie_fabs(ls->jac[i * n + j]);
    norm = row > norm ? row : norm;
  }
  return norm;
}

#if CUBIE_LINSOLVE_COMPLEX
CUBIE_DEVICE int cubie_linsolve_factor_complex(cubie_linsolve_work *ls, cubie_real alpha,
                                               cubie_real beta, cubie_i64 *counters) {
  const int n = CUBIE_N_STATES;
  for (int i = 0; i < n * n; i++) {
    ls->lu_re[i] = -ls->jac[i];
    ls->lu_im[i] = (cubie_real)0;
  }
  CUBIE_LU_UNROLL
  for (int i = 0; i < n; i++) {
    ls->lu_re[i * n + i] += alpha;
    ls->lu_im[i * n + i] = beta;
  }
  counters[CUBIE_COUNTER_LU] += 1;
  return cubie_dense_lu_outcome(cubie_dense_lu_factor_complex(ls->lu_re, ls->lu_im, ls->piv_c));
}

CUBIE_INLINE int cubie_linsolve_solve_complex(cubie_linsolve_work *ls,
                                              cubie_real *CUBIE_RESTRICT xr,
                                              cubie_real *CUBIE_RESTRICT xi, cubie_i64 *counters) {
  cubie_dense_lu_solve_complex(ls->lu_re, ls->lu_im, ls->piv_c, xr, xi);
  counters[CUBIE_COUNTER_LINEAR] += 1;
  return CUBIE_STEP_OK;
}
#endif

#endif
