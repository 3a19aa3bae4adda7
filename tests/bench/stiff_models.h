/* stiff_models.h — the stiff benchmark's models (ROBER and POLLU of the IVP
 * Test Set, Bari) written out by hand for the baseline program
 * stiff_cvode.c: right-hand side, dense analytic Jacobian, initial state,
 * and the nominal rate constants.
 *
 * This is deliberately an independent statement of the equations that
 * cubie reads from its decks (inputs/stiff/rober.yaml, pollu.yaml): the
 * benchmark compares the two solutions, so a typo on either side shows up
 * as an accuracy failure rather than being shared. The Jacobians are
 * checked against central differences by `bench_stiff_cvode check` (the
 * benchmark script runs it first), so a wrong entry cannot silently slow
 * CVODE's Newton iteration down. Rate constants are per-run parameters in
 * the deck's order (k1, k2, ...). Nothing here is timed or allocates.
 */
#ifndef CUBIE_BENCH_STIFF_MODELS_H
#define CUBIE_BENCH_STIFF_MODELS_H

#include <string.h>

#define STIFF_MAX_STATES 20

typedef struct stiff_model {
  const char *name;
  int n_states, n_params;
  const double *y0;
  const double *nominal; /* the test set's rate constants */
  void (*rhs)(const double *k, const double *y, double *f);
  /* J[i + n*j] = df_i/dy_j (column-major, as SUNDIALS' dense matrix);
   * entries not written are left as the caller set them (zero). */
  void (*jac)(const double *k, const double *y, double *J);
} stiff_model;

/* ---- ROBER: Robertson's autocatalytic reaction, 3 species ------------- */
static const double rober_y0[3] = {1.0, 0.0, 0.0};
static const double rober_nominal[3] = {0.04, 3.0e7, 1.0e4};

static inline void rober_rhs(const double *k, const double *y, double *f) {
  const double slow = k[0] * y[0], fast = k[2] * y[1] * y[2], square = k[1] * y[1] * y[1];
  f[0] = -slow + fast;
  f[1] = slow - fast - square;
  f[2] = square;
}

static inline void rober_jac(const double *k, const double *y, double *J) {
  J[0 + 3 * 0] = -k[0];
  J[0 + 3 * 1] = k[2] * y[2];
  J[0 + 3 * 2] = k[2] * y[1];
  J[1 + 3 * 0] = k[0];
  J[1 + 3 * 1] = -k[2] * y[2] - 2.0 * k[1] * y[1];
  J[1 + 3 * 2] = -k[2] * y[1];
  J[2 + 3 * 1] = 2.0 * k[1] * y[1];
}

/* ---- POLLU: Verwer's air pollution chemistry, 20 species, 25 reactions - */
static const double pollu_y0[20] = {0.0, 0.2, 0.0, 0.04, 0.0, 0.0, 0.1, 0.3, 0.01, 0.0,
                                    0.0, 0.0, 0.0, 0.0,  0.0, 0.0, 0.007, 0.0, 0.0, 0.0};
static const double pollu_nominal[25] = {
    0.35,   26.6,   12300.0, 8.6e-4, 8.2e-4, 15000.0, 1.3e-4, 24000.0, 16500.0,
    9000.0, 0.022,  12000.0, 1.88,   16300.0, 4.8e6,  3.5e-4, 0.0175,  1.0e8,
    4.44e11, 1240.0, 2.1,    5.78,   0.0474,  1780.0, 3.12};

/* 1-based names as in the test set's description, so the code reads like it. */
#define PK(i) k[(i) - 1]
#define PY(i) y[(i) - 1]

static inline void pollu_rhs(const double *k, const double *y, double *f) {
  const double r1 = PK(1) * PY(1), r2 = PK(2) * PY(2) * PY(4), r3 = PK(3) * PY(5) * PY(2);
  const double r4 = PK(4) * PY(7), r5 = PK(5) * PY(7), r6 = PK(6) * PY(7) * PY(6);
  const double r7 = PK(7) * PY(9), r8 = PK(8) * PY(9) * PY(6), r9 = PK(9) * PY(11) * PY(2);
  const double r10 = PK(10) * PY(11) * PY(1), r11 = PK(11) * PY(13), r12 = PK(12) * PY(10) * PY(2);
  const double r13 = PK(13) * PY(14), r14 = PK(14) * PY(1) * PY(6), r15 = PK(15) * PY(3);
  const double r16 = PK(16) * PY(4), r17 = PK(17) * PY(4), r18 = PK(18) * PY(16);
  const double r19 = PK(19) * PY(16), r20 = PK(20) * PY(17) * PY(6), r21 = PK(21) * PY(19);
  const double r22 = PK(22) * PY(19), r23 = PK(23) * PY(1) * PY(4), r24 = PK(24) * PY(19) * PY(1);
  const double r25 = PK(25) * PY(20);
  f[0] = -(r1 + r10 + r14 + r23 + r24) + (r2 + r3 + r9 + r11 + r12 + r22 + r25);
  f[1] = -r2 - r3 - r9 - r12 + r1 + r21;
  f[2] = -r15 + r1 + r17 + r19 + r22;
  f[3] = -r2 - r16 - r17 - r23 + r15;
  f[4] = -r3 + 2.0 * r4 + r6 + r7 + r13 + r20;
  f[5] = -r6 - r8 - r14 - r20 + r3 + 2.0 * r18;
  f[6] = -r4 - r5 - r6 + r13;
  f[7] = r4 + r5 + r6 + r7;
  f[8] = -r7 - r8;
  f[9] = -r12 + r7 + r9;
  f[10] = -r9 - r10 + r8 + r11;
  f[11] = r9;
  f[12] = -r11 + r10;
  f[13] = -r13 + r12;
  f[14] = r14;
  f[15] = -r18 - r19 + r16;
  f[16] = -r20;
  f[17] = r20;
  f[18] = -r21 - r22 - r24 + r23 + r25;
  f[19] = -r25 + r24;
}

/* Row by row: d f_i / d y_j for the reactions in f_i. */
static inline void pollu_jac(const double *k, const double *y, double *J) {
#define PJ(i, j) J[((i) - 1) + 20 * ((j) - 1)]
  PJ(1, 1) = -PK(1) - PK(10) * PY(11) - PK(14) * PY(6) - PK(23) * PY(4) - PK(24) * PY(19);
  PJ(1, 2) = PK(2) * PY(4) + PK(3) * PY(5) + PK(9) * PY(11) + PK(12) * PY(10);
  PJ(1, 4) = -PK(23) * PY(1) + PK(2) * PY(2);
  PJ(1, 5) = PK(3) * PY(2);
  PJ(1, 6) = -PK(14) * PY(1);
  PJ(1, 10) = PK(12) * PY(2);
  PJ(1, 11) = -PK(10) * PY(1) + PK(9) * PY(2);
  PJ(1, 13) = PK(11);
  PJ(1, 19) = -PK(24) * PY(1) + PK(22);
  PJ(1, 20) = PK(25);

  PJ(2, 1) = PK(1);
  PJ(2, 2) = -PK(2) * PY(4) - PK(3) * PY(5) - PK(9) * PY(11) - PK(12) * PY(10);
  PJ(2, 4) = -PK(2) * PY(2);
  PJ(2, 5) = -PK(3) * PY(2);
  PJ(2, 10) = -PK(12) * PY(2);
  PJ(2, 11) = -PK(9) * PY(2);
  PJ(2, 19) = PK(21);

  PJ(3, 1) = PK(1);
  PJ(3, 3) = -PK(15);
  PJ(3, 4) = PK(17);
  PJ(3, 16) = PK(19);
  PJ(3, 19) = PK(22);

  PJ(4, 1) = -PK(23) * PY(4);
  PJ(4, 2) = -PK(2) * PY(4);
  PJ(4, 3) = PK(15);
  PJ(4, 4) = -PK(2) * PY(2) - PK(16) - PK(17) - PK(23) * PY(1);

  PJ(5, 2) = -PK(3) * PY(5);
  PJ(5, 5) = -PK(3) * PY(2);
  PJ(5, 6) = PK(6) * PY(7) + PK(20) * PY(17);
  PJ(5, 7) = 2.0 * PK(4) + PK(6) * PY(6);
  PJ(5, 9) = PK(7);
  PJ(5, 14) = PK(13);
  PJ(5, 17) = PK(20) * PY(6);

  PJ(6, 1) = -PK(14) * PY(6);
  PJ(6, 2) = PK(3) * PY(5);
  PJ(6, 5) = PK(3) * PY(2);
  PJ(6, 6) = -PK(6) * PY(7) - PK(8) * PY(9) - PK(14) * PY(1) - PK(20) * PY(17);
  PJ(6, 7) = -PK(6) * PY(6);
  PJ(6, 9) = -PK(8) * PY(6);
  PJ(6, 16) = 2.0 * PK(18);
  PJ(6, 17) = -PK(20) * PY(6);

  PJ(7, 6) = -PK(6) * PY(7);
  PJ(7, 7) = -PK(4) - PK(5) - PK(6) * PY(6);
  PJ(7, 14) = PK(13);

  PJ(8, 6) = PK(6) * PY(7);
  PJ(8, 7) = PK(4) + PK(5) + PK(6) * PY(6);
  PJ(8, 9) = PK(7);

  PJ(9, 6) = -PK(8) * PY(9);
  PJ(9, 9) = -PK(7) - PK(8) * PY(6);

  PJ(10, 2) = -PK(12) * PY(10) + PK(9) * PY(11);
  PJ(10, 9) = PK(7);
  PJ(10, 10) = -PK(12) * PY(2);
  PJ(10, 11) = PK(9) * PY(2);

  PJ(11, 1) = -PK(10) * PY(11);
  PJ(11, 2) = -PK(9) * PY(11);
  PJ(11, 6) = PK(8) * PY(9);
  PJ(11, 9) = PK(8) * PY(6);
  PJ(11, 11) = -PK(9) * PY(2) - PK(10) * PY(1);
  PJ(11, 13) = PK(11);

  PJ(12, 2) = PK(9) * PY(11);
  PJ(12, 11) = PK(9) * PY(2);

  PJ(13, 1) = PK(10) * PY(11);
  PJ(13, 11) = PK(10) * PY(1);
  PJ(13, 13) = -PK(11);

  PJ(14, 2) = PK(12) * PY(10);
  PJ(14, 10) = PK(12) * PY(2);
  PJ(14, 14) = -PK(13);

  PJ(15, 1) = PK(14) * PY(6);
  PJ(15, 6) = PK(14) * PY(1);

  PJ(16, 4) = PK(16);
  PJ(16, 16) = -PK(18) - PK(19);

  PJ(17, 6) = -PK(20) * PY(17);
  PJ(17, 17) = -PK(20) * PY(6);

  PJ(18, 6) = PK(20) * PY(17);
  PJ(18, 17) = PK(20) * PY(6);

  PJ(19, 1) = -PK(24) * PY(19) + PK(23) * PY(4);
  PJ(19, 4) = PK(23) * PY(1);
  PJ(19, 19) = -PK(21) - PK(22) - PK(24) * PY(1);
  PJ(19, 20) = PK(25);

  PJ(20, 1) = PK(24) * PY(19);
  PJ(20, 19) = PK(24) * PY(1);
  PJ(20, 20) = -PK(25);
#undef PJ
}

#undef PK
#undef PY

static const stiff_model stiff_models[] = {
    {"rober", 3, 3, rober_y0, rober_nominal, rober_rhs, rober_jac},
    {"pollu", 20, 25, pollu_y0, pollu_nominal, pollu_rhs, pollu_jac},
};

static inline const stiff_model *stiff_model_find(const char *name) {
  for (size_t m = 0; m < sizeof stiff_models / sizeof stiff_models[0]; m++)
    if (strcmp(stiff_models[m].name, name) == 0) return &stiff_models[m];
  return NULL;
}

#endif
