/* sdirk_tableaus.h — the coefficients of cubie's singly diagonally implicit
 * Runge–Kutta methods (step family SDIRK, sdirk.h); CUBIE_ALGORITHM_<ID>
 * selects one.
 *
 * Responsible for the numbers only (and which of them a method has); stages,
 * orders and error orders are its kernels/methods.def row. It never contains
 * logic.
 *
 * Conventions (Butcher form, HNW II, IV.6): s stages, A lower triangular
 * with every diagonal entry γ except, for ESDIRK methods
 * (CUBIE_DIRK_EXPLICIT_FIRST 1), a_11 = 0 — the first stage is f(t, y);
 *   Y_i = y + h Σ_{j<=i} a_ij k_j,  k_i = f(t + c_i h, Y_i),
 *   y_new = y + h Σ_j b_j k_j,      err = h Σ_j e_j k_j,  e = b − b̂.
 * Every method here is stiffly accurate (b = the last row of A, so
 * y_new = Y_s: sdirk.h relies on it) and c_i = Σ_j a_ij. The stage arrays
 * are full s×s rows, the diagonal included.
 *
 * Besides the tables a method says:
 *   CUBIE_DIRK_GAMMA           the diagonal γ (the iteration matrix is
 *                              M = I/(γh) − J)
 *   CUBIE_DIRK_EXPLICIT_FIRST  1: ESDIRK (a_11 = 0, k_1 = f(t, y))
 *   CUBIE_DIRK_L_STABLE        1: R(∞) = 0 (documentation; checked)
 *
 * Digits: exact rationals as p.0 / q.0; closed forms (Kværnø's 3(2) in γ,
 * TR-BDF2 in √2) as 36 significant digits of the exact value, computed
 * with mpmath at 40 digits from the formulas in the comments; published
 * decimals (Kværnø's 5(4)) verbatim. tests/kernels/check_sdirk.py checks
 * every table against the Runge–Kutta order conditions (all rooted trees),
 * the embedded order, stiff accuracy, R(∞), A-stability on the imaginary
 * axis and its methods.def row.
 *
 * Storage: as erk_tableaus.h (`__constant__` on the device, static on the
 * host); every loop over stages is unrolled, so each coefficient is a
 * literal and zeros cost nothing.
 */
#ifndef CUBIE_SDIRK_TABLEAUS_H
#define CUBIE_SDIRK_TABLEAUS_H

#if CUBIE_ON_DEVICE
#define CUBIE_DIRK_TABLE static __constant__ const double
#else
#define CUBIE_DIRK_TABLE __attribute__((unused)) static const double
#endif

#if defined(CUBIE_ALGORITHM_BACKWARD_EULER)
/* Backward (implicit) Euler, y_new = y + h f(t + h, y_new) (HNW II, IV.3),
 * written as a 2-stage ESDIRK whose explicit first stage k_1 = f(t, y)
 * serves only the error estimate: the embedded solution is the trapezoid
 * rule y + h (k_1 + k_2)/2 on the same stages, so
 *   err = y_BE − y_TR = h (k_2 − k_1)/2  (≈ −h²/2 y'', BE's local error),
 * which the family then filters with (I − hJ)^-1 (sdirk.h). b̂ is of order
 * 2, b of order 1: the estimate is BE's own error (controller order 1). */
#define CUBIE_DIRK_GAMMA 1.0
#define CUBIE_DIRK_EXPLICIT_FIRST 1
#define CUBIE_DIRK_L_STABLE 1
CUBIE_DIRK_TABLE cubie_dirk_c[CUBIE_METHOD_STAGES] = {0.0, 1.0};
CUBIE_DIRK_TABLE cubie_dirk_a[CUBIE_METHOD_STAGES][CUBIE_METHOD_STAGES] = {
    {0.0, 0.0},
    {0.0, 1.0},
};
CUBIE_DIRK_TABLE cubie_dirk_b[CUBIE_METHOD_STAGES] = {0.0, 1.0};
CUBIE_DIRK_TABLE cubie_dirk_e[CUBIE_METHOD_STAGES] = {-1.0 / 2.0, 1.0 / 2.0};

#elif defined(CUBIE_ALGORITHM_CRANK_NICOLSON)
/* Crank–Nicolson, the implicit trapezoid rule y_new = y + h (f(t, y) +
 * f(t + h, y_new))/2 (Crank & Nicolson, Proc. Camb. Phil. Soc. 43 (1947);
 * HNW II, IV.3): a 2-stage ESDIRK, γ = 1/2, order 2, A-stable with
 * R(∞) = −1 (stiff components are not damped: prefer trbdf2 or kvaerno3
 * for stiff problems). Embedded: explicit Euler b̂ = (1, 0), order 1, so
 * err = h (k_2 − k_1)/2 (filtered with (I − hJ/2)^-1) estimates an error of
 * order h² while the solution's is h³: the controller (order 1) is
 * conservative, as for a method that does not extrapolate. */
#define CUBIE_DIRK_GAMMA 0.5
#define CUBIE_DIRK_EXPLICIT_FIRST 1
#define CUBIE_DIRK_L_STABLE 0
CUBIE_DIRK_TABLE cubie_dirk_c[CUBIE_METHOD_STAGES] = {0.0, 1.0};
CUBIE_DIRK_TABLE cubie_dirk_a[CUBIE_METHOD_STAGES][CUBIE_METHOD_STAGES] = {
    {0.0, 0.0},
    {1.0 / 2.0, 1.0 / 2.0},
};
CUBIE_DIRK_TABLE cubie_dirk_b[CUBIE_METHOD_STAGES] = {1.0 / 2.0, 1.0 / 2.0};
CUBIE_DIRK_TABLE cubie_dirk_e[CUBIE_METHOD_STAGES] = {-1.0 / 2.0, 1.0 / 2.0};

#elif defined(CUBIE_ALGORITHM_TRBDF2)
/* TR-BDF2: R.E. Bank, W.M. Coughran, W. Fichtner, E.H. Grosse, D.J. Rose,
 * R.K. Smith, IEEE Trans. CAD 4 (1985) 436-451; as a 3-stage ESDIRK with
 * its embedded 3rd-order formula: M.E. Hosea, L.F. Shampine, "Analysis and
 * implementation of TR-BDF2", Appl. Numer. Math. 20 (1996) 21-37. With
 * γ_TR = 2 − √2 (the trapezoid stage's length), d = γ_TR/2 = 1 − √2/2,
 * w = √2/4:
 *   c = (0, γ_TR, 1),  A = [[0], [d, d], [w, w, d]],  b = (w, w, d),
 *   b̂ = ((1 − w)/3, (3w + 1)/3, d/3)  (order 3),
 * so e = ((4w − 1)/3, −1/3, 2d/3) = ((√2 − 1)/3, −1/3, (2 − √2)/3).
 * Order 2, L-stable, stiffly accurate; the estimate is filtered with
 * (I − hdJ)^-1 as Hosea & Shampine do. */
#define CUBIE_DIRK_GAMMA 0.292893218813452475599155637895150961
#define CUBIE_DIRK_EXPLICIT_FIRST 1
#define CUBIE_DIRK_L_STABLE 1
CUBIE_DIRK_TABLE cubie_dirk_c[CUBIE_METHOD_STAGES] = {0.0, 0.585786437626904951198311275790301921,
                                                      1.0};
CUBIE_DIRK_TABLE cubie_dirk_a[CUBIE_METHOD_STAGES][CUBIE_METHOD_STAGES] = {
    {0.0, 0.0, 0.0},
    {0.292893218813452475599155637895150961, 0.292893218813452475599155637895150961, 0.0},
    {0.353553390593273762200422181052424520, 0.353553390593273762200422181052424520,
     0.292893218813452475599155637895150961},
};
CUBIE_DIRK_TABLE cubie_dirk_b[CUBIE_METHOD_STAGES] = {0.353553390593273762200422181052424520,
                                                      0.353553390593273762200422181052424520,
                                                      0.292893218813452475599155637895150961};
CUBIE_DIRK_TABLE cubie_dirk_e[CUBIE_METHOD_STAGES] = {0.138071187457698349600562908069899360,
                                                      -1.0 / 3.0,
                                                      0.195262145875634983732770425263433974};

#elif defined(CUBIE_ALGORITHM_KVAERNO3)
/* A. Kværnø, "Singly diagonally implicit Runge-Kutta methods with an
 * explicit first stage", BIT 44 (2004) 489-502: the ESDIRK 3(2) with 4
 * stages. γ is the root of 6γ³ − 18γ² + 9γ − 1 = 0 near 0.4359 (L-stable;
 * the paper prints 0.4358665215); in γ:
 *   c = (0, 2γ, 1, 1),  a21 = γ,
 *   a31 = (−4γ² + 6γ − 1)/(4γ),  a32 = (1 − 2γ)/(4γ),  a33 = γ,
 *   a41 = (6γ − 1)/(12γ),  a42 = −1/((24γ − 12)γ),
 *   a43 = (−6γ² + 6γ − 1)/(6γ − 3),  a44 = γ;
 * b = row 4 (order 3), b̂ = row 3 (order 2, also stiffly accurate and
 * L-stable), so e = (a41 − a31, a42 − a32, a43 − γ, γ). */
#define CUBIE_DIRK_GAMMA 0.435866521508458999416019451193556843
#define CUBIE_DIRK_EXPLICIT_FIRST 1
#define CUBIE_DIRK_L_STABLE 1
CUBIE_DIRK_TABLE cubie_dirk_c[CUBIE_METHOD_STAGES] = {0.0, 0.871733043016917998832038902387113685,
                                                      1.0, 1.0};
CUBIE_DIRK_TABLE cubie_dirk_a[CUBIE_METHOD_STAGES][CUBIE_METHOD_STAGES] = {
    {0.0, 0.0, 0.0, 0.0},
    {0.435866521508458999416019451193556843, 0.435866521508458999416019451193556843, 0.0, 0.0},
    {0.490563388421780570628467958466544690, 0.0735700900697604299555125903398984672,
     0.435866521508458999416019451193556843, 0.0},
    {0.308809969976746523348162469886700511, 1.49056338842178057062846795846654469,
     -1.23523987990698609339264987954680204, 0.435866521508458999416019451193556843},
};
CUBIE_DIRK_TABLE cubie_dirk_b[CUBIE_METHOD_STAGES] = {
    0.308809969976746523348162469886700511, 1.49056338842178057062846795846654469,
    -1.23523987990698609339264987954680204, 0.435866521508458999416019451193556843};
CUBIE_DIRK_TABLE cubie_dirk_e[CUBIE_METHOD_STAGES] = {
    -0.181753418445034047280305488579844179, 1.41699329835202014067295536812664622,
    -1.67110640141544509280866933074035888, 0.435866521508458999416019451193556843};

#elif defined(CUBIE_ALGORITHM_SDIRK4)
/* Hairer & Wanner II, IV.6, Table 6.5 (the L-stable SDIRK method of order
 * 4 with 5 stages, γ = 1/4; their code SDIRK4): stiffly accurate, with the
 * embedded order-3 solution b̂ = (59/48, −17/96, 225/32, −85/12, 0) of the
 * same table (e = b − b̂). */
#define CUBIE_DIRK_GAMMA 0.25
#define CUBIE_DIRK_EXPLICIT_FIRST 0
#define CUBIE_DIRK_L_STABLE 1
CUBIE_DIRK_TABLE cubie_dirk_c[CUBIE_METHOD_STAGES] = {1.0 / 4.0, 3.0 / 4.0, 11.0 / 20.0, 1.0 / 2.0,
                                                      1.0};
CUBIE_DIRK_TABLE cubie_dirk_a[CUBIE_METHOD_STAGES][CUBIE_METHOD_STAGES] = {
    {1.0 / 4.0, 0.0, 0.0, 0.0, 0.0},
    {1.0 / 2.0, 1.0 / 4.0, 0.0, 0.0, 0.0},
    {17.0 / 50.0, -1.0 / 25.0, 1.0 / 4.0, 0.0, 0.0},
    {371.0 / 1360.0, -137.0 / 2720.0, 15.0 / 544.0, 1.0 / 4.0, 0.0},
    {25.0 / 24.0, -49.0 / 48.0, 125.0 / 16.0, -85.0 / 12.0, 1.0 / 4.0},
};
CUBIE_DIRK_TABLE cubie_dirk_b[CUBIE_METHOD_STAGES] = {25.0 / 24.0, -49.0 / 48.0, 125.0 / 16.0,
                                                      -85.0 / 12.0, 1.0 / 4.0};
/* b − b̂ = (25/24 − 59/48, −49/48 + 17/96, 125/16 − 225/32, 0, 1/4) */
CUBIE_DIRK_TABLE cubie_dirk_e[CUBIE_METHOD_STAGES] = {-3.0 / 16.0, -27.0 / 32.0, 25.0 / 32.0, 0.0,
                                                      1.0 / 4.0};

#elif defined(CUBIE_ALGORITHM_KVAERNO5)
/* A. Kværnø, BIT 44 (2004) 489-502: the ESDIRK 5(4) with 7 stages,
 * γ = 0.26, stiffly accurate and L-stable; b = row 7 (order 5), b̂ = row 6
 * (order 4, stiffly accurate too), so e = row 7 − row 6. The paper's
 * 17-digit decimals (as OrdinaryDiffEq.jl's Kvaerno5Tableau and diffrax
 * reproduce them); c_i = Σ_j a_ij. */
#define CUBIE_DIRK_GAMMA 0.26
#define CUBIE_DIRK_EXPLICIT_FIRST 1
#define CUBIE_DIRK_L_STABLE 1
CUBIE_DIRK_TABLE cubie_dirk_c[CUBIE_METHOD_STAGES] = {
    0.0, 0.52, 1.23033320996790809, 0.895765984350075890, 0.43639360985864758, 1.0, 1.0};
CUBIE_DIRK_TABLE cubie_dirk_a[CUBIE_METHOD_STAGES][CUBIE_METHOD_STAGES] = {
    {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
    {0.26, 0.26, 0.0, 0.0, 0.0, 0.0, 0.0},
    {0.13, 0.84033320996790809, 0.26, 0.0, 0.0, 0.0, 0.0},
    {0.22371961478320505, 0.47675532319799699, -0.06470895363112615, 0.26, 0.0, 0.0, 0.0},
    {0.16648564323248321, 0.10450018841591720, 0.03631482272098715, -0.13090704451073998, 0.26,
     0.0, 0.0},
    {0.13855640231268224, 0.0, -0.04245337201752043, 0.02446657898003141, 0.61943039072480676,
     0.26, 0.0},
    {0.13659751177640291, 0.0, -0.05496908796538376, -0.04118626728321046, 0.62993304899016403,
     0.06962479448202728, 0.26},
};
CUBIE_DIRK_TABLE cubie_dirk_b[CUBIE_METHOD_STAGES] = {
    0.13659751177640291,  0.0, -0.05496908796538376, -0.04118626728321046, 0.62993304899016403,
    0.06962479448202728, 0.26};
/* row 7 − row 6, digit by digit */
CUBIE_DIRK_TABLE cubie_dirk_e[CUBIE_METHOD_STAGES] = {
    -0.00195889053627933, 0.0, -0.01251571594786333, -0.06565284626324187, 0.01050265826535727,
    -0.19037520551797272, 0.26};

#else
#error "sdirk_tableaus.h: no coefficients for the selected method"
#endif

#endif
