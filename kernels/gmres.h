/* gmres.h — restarted GMRES for the Krylov linear solver (linsolve_krylov.h,
 * which says what is solved, how it is scaled and preconditioned, and
 * when it stops).
 *
 * Responsible for the iteration's arithmetic on one run's vectors: the
 * scaled operator (J·v from the generated cubie_model_jvp), modified
 * Gram–Schmidt Arnoldi, Givens rotations of the Hessenberg matrix (Saad &
 * Schultz 1986; Saad, Iterative Methods for Sparse Linear Systems, 2nd ed.,
 * Alg. 6.9 and §6.5.3), the triangular solve and the update. It never
 * decides the tolerance (cubie_linsolve_accuracy) and never reads another
 * run's data.
 *
 * Vectors have length L = N (the real system) or 2N (the complex one, real
 * parts then imaginary parts); `cplx` says which.
 */
#ifndef CUBIE_GMRES_H
#define CUBIE_GMRES_H

/* The weight sc_i of state i: atol + rtol |y_J,i|, or the floor when the
 * run gives no tolerances (fixed steps). */
CUBIE_INLINE cubie_real cubie_gmres_weight(const cubie_linsolve_work *ls, int i) {
  const cubie_real y = cubie_fabs(ls->y_jac[i]);
  if (ls->atol > (cubie_real)0 || ls->rtol > (cubie_real)0) return ls->atol + ls->rtol * y;
  return (cubie_real)CUBIE_KRYLOV_FLOOR * ((cubie_real)1 + y);
}

/* v ← W⁻¹ D⁻¹ v: the scaling and the Jacobi preconditioner (real: D_i =
 * c − J_ii; complex: (α − J_ii) + iβ, v's imaginary parts at v + N). */
CUBIE_INLINE void cubie_gmres_precondition(const cubie_linsolve_work *ls, int cplx,
                                           cubie_real *CUBIE_RESTRICT v) {
  const int N = CUBIE_N_STATES;
  for (int i = 0; i < N; i++) {
    const cubie_real w = cubie_gmres_weight(ls, i);
    if (!cplx) {
      cubie_real d = ls->c - ls->diag[i];
      if (d == (cubie_real)0) d = ls->c;
      v[i] = v[i] / (w * d);
    } else {
      cubie_real dr = ls->alpha - ls->diag[i];
      const cubie_real di = ls->beta;
      if (dr == (cubie_real)0 && di == (cubie_real)0) dr = ls->alpha;
      /* (a + ib) / (dr + i di) = ((a dr + b di) + i (b dr − a di)) / (dr² + di²) */
      const cubie_real q = (cubie_real)1 / (w * (dr * dr + di * di));
      const cubie_real a = v[i], b = v[N + i];
      v[i] = (a * dr + b * di) * q;
      v[N + i] = (b * dr - a * di) * q;
    }
  }
}

/* out ← Ã v = W⁻¹ D⁻¹ M W v, with u (L) as scratch for W v. */
CUBIE_DEVICE void cubie_gmres_apply(const cubie_linsolve_work *ls, int cplx,
                                    const cubie_real *CUBIE_RESTRICT v, cubie_real *CUBIE_RESTRICT out,
                                    cubie_real *CUBIE_RESTRICT u) {
  const int N = CUBIE_N_STATES;
  for (int i = 0; i < N; i++) {
    const cubie_real w = cubie_gmres_weight(ls, i);
    u[i] = w * v[i];
    if (cplx) u[N + i] = w * v[N + i];
  }
  cubie_model_jvp(ls->t_jac, ls->y_jac, ls->p, u, out);
  if (!cplx) {
    for (int i = 0; i < N; i++) out[i] = ls->c * u[i] - out[i];
  } else {
    cubie_model_jvp(ls->t_jac, ls->y_jac, ls->p, u + N, out + N);
    for (int i = 0; i < N; i++) {
      const cubie_real ur = u[i], ui = u[N + i];
      const cubie_real mr = ls->alpha * ur - ls->beta * ui - out[i];
      const cubie_real mi = ls->beta * ur + ls->alpha * ui - out[N + i];
      out[i] = mr;
      out[N + i] = mi;
    }
  }
  cubie_gmres_precondition(ls, cplx, out);
}

/* Dot products accumulate in double whatever the working precision: the
 * scaled vectors of a float32 run may hold values whose squares overflow
 * float (a tiny atol), and Gram–Schmidt keeps the basis orthogonal longer. */
CUBIE_INLINE cubie_real cubie_gmres_dot(const cubie_real *CUBIE_RESTRICT a,
                                        const cubie_real *CUBIE_RESTRICT b, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += (double)a[i] * (double)b[i];
  return (cubie_real)s;
}

CUBIE_INLINE cubie_real cubie_gmres_norm(const cubie_real *CUBIE_RESTRICT a, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += (double)a[i] * (double)a[i];
  return (cubie_real)sqrt(s);
}

/* Solve M x = b: x (and xi, the imaginary parts, when cplx) hold b on entry
 * and x on exit. V: the basis ((CUBIE_KRYLOV_DIM + 1) L), work: 2L (b̃,
 * then W v). Returns CUBIE_STEP_OK, _NEWTON_FAILED (not converged),
 * _SINGULAR (the operator annihilated a basis vector) or _NONFINITE.
 * Never inlined on a GPU: the families solve from many call sites (a
 * Rosenbrock attempt's unrolled stages), and one copy of the iteration
 * keeps the kernel's code and compile time small. */
CUBIE_DEVICE_NOINLINE int cubie_gmres(cubie_linsolve_work *ls, int cplx, cubie_real *CUBIE_RESTRICT x,
                             cubie_real *CUBIE_RESTRICT xi, cubie_real *CUBIE_RESTRICT V,
                             cubie_real *CUBIE_RESTRICT work, cubie_i64 *counters) {
  const int N = CUBIE_N_STATES;
  const int L = cplx ? 2 * N : N;
  const int m = CUBIE_KRYLOV_DIM < L ? CUBIE_KRYLOV_DIM : L; /* the space holds at most L */
  const int ld = CUBIE_KRYLOV_DIM + 1;                       /* H's column stride */
  cubie_real *CUBIE_RESTRICT H = ls->hess;                  /* column j: H[j ld + i] */
  cubie_real *CUBIE_RESTRICT cs = H + CUBIE_KRYLOV_DIM * ld;
  cubie_real *CUBIE_RESTRICT sn = cs + CUBIE_KRYLOV_DIM;
  cubie_real *CUBIE_RESTRICT g = sn + CUBIE_KRYLOV_DIM;
  cubie_real *CUBIE_RESTRICT bt = work;
  cubie_real *CUBIE_RESTRICT u = work + L;

  /* b̃ = W⁻¹ D⁻¹ b; x̃ = 0, kept in x (and xi). */
  for (int i = 0; i < N; i++) {
    bt[i] = x[i];
    if (cplx) bt[N + i] = xi[i];
  }
  cubie_gmres_precondition(ls, cplx, bt);
  const cubie_real b_norm = cubie_gmres_norm(bt, L);
  if (!cubie_real_isfinite(b_norm)) return CUBIE_STEP_NONFINITE;
  for (int i = 0; i < N; i++) {
    x[i] = (cubie_real)0;
    if (cplx) xi[i] = (cubie_real)0;
  }
  if (b_norm == (cubie_real)0) return CUBIE_STEP_OK;
  const cubie_real target =
      cubie_max(ls->tol * cubie_sqrt((cubie_real)N), (cubie_real)CUBIE_KRYLOV_FLOOR * b_norm);

  int converged = 0;
  for (int cycle = 0; cycle < CUBIE_KRYLOV_MAX_CYCLES && !converged; cycle++) {
    /* r = b̃ − Ã x̃ into V_0 (x̃ = 0 in the first cycle). */
    if (cycle == 0) {
      for (int i = 0; i < L; i++) V[i] = bt[i];
    } else {
      for (int i = 0; i < N; i++) { /* x̃ as one vector of L */
        V[ld * L - L + i] = x[i];
        if (cplx) V[ld * L - L + N + i] = xi[i];
      }
      cubie_gmres_apply(ls, cplx, V + (ld - 1) * L, V, u);
      for (int i = 0; i < L; i++) V[i] = bt[i] - V[i];
    }
    const cubie_real beta = cubie_gmres_norm(V, L);
    if (!cubie_real_isfinite(beta)) return CUBIE_STEP_NONFINITE;
    if (beta <= target) {
      converged = 1;
      break;
    }
    for (int i = 0; i < L; i++) V[i] /= beta;
    g[0] = beta;
    int k = 0;
    cubie_real resid = beta;
    for (int j = 0; j < m; j++) {
      cubie_real *CUBIE_RESTRICT vj = V + j * L;
      cubie_real *CUBIE_RESTRICT vn = V + (j + 1) * L;
      cubie_gmres_apply(ls, cplx, vj, vn, u);
      counters[CUBIE_COUNTER_LINEAR] += 1;
      cubie_real *CUBIE_RESTRICT h = H + j * ld;
      for (int i = 0; i <= j; i++) { /* modified Gram–Schmidt */
        const cubie_real hij = cubie_gmres_dot(vn, V + i * L, L);
        h[i] = hij;
        for (int q = 0; q < L; q++) vn[q] -= hij * V[i * L + q];
      }
      const cubie_real h_next = cubie_gmres_norm(vn, L);
      if (!cubie_real_isfinite(h_next)) return CUBIE_STEP_NONFINITE;
      if (h_next > (cubie_real)0)
        for (int q = 0; q < L; q++) vn[q] /= h_next;
      /* The earlier rotations, then the one that zeroes h_(j+1, j). */
      for (int i = 0; i < j; i++) {
        const cubie_real a = h[i], b = h[i + 1];
        h[i] = cs[i] * a + sn[i] * b;
        h[i + 1] = cs[i] * b - sn[i] * a;
      }
      const cubie_real r = cubie_sqrt(h[j] * h[j] + h_next * h_next);
      if (!(r > (cubie_real)0)) return CUBIE_STEP_SINGULAR;
      cs[j] = h[j] / r;
      sn[j] = h_next / r;
      h[j] = r;
      g[j + 1] = -sn[j] * g[j];
      g[j] = cs[j] * g[j];
      k = j + 1;
      resid = cubie_fabs(g[j + 1]);
      if (resid <= target || h_next == (cubie_real)0) break;
    }
    /* y = R⁻¹ g (into g), x̃ += V y. */
    for (int i = k - 1; i >= 0; i--) {
      cubie_real s = g[i];
      for (int l = i + 1; l < k; l++) s -= H[l * ld + i] * g[l];
      g[i] = s / H[i * ld + i];
    }
    for (int i = 0; i < k; i++) {
      const cubie_real yi = g[i];
      for (int q = 0; q < N; q++) {
        x[q] += yi * V[i * L + q];
        if (cplx) xi[q] += yi * V[i * L + N + q];
      }
    }
    converged = resid <= target;
  }
  /* x = W x̃. */
  int finite = 1;
  for (int i = 0; i < N; i++) {
    const cubie_real w = cubie_gmres_weight(ls, i);
    x[i] *= w;
    finite &= cubie_real_isfinite(x[i]);
    if (cplx) {
      xi[i] *= w;
      finite &= cubie_real_isfinite(xi[i]);
    }
  }
  if (!finite) return CUBIE_STEP_NONFINITE;
  return converged ? CUBIE_STEP_OK : CUBIE_STEP_NEWTON_FAILED;
}

#endif
