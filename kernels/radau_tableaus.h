/* radau_tableaus.h — the coefficients of the 3-stage Radau IIA method of
 * order 5 (step family RADAU, radau.h; method radau5).
 *
 * Responsible for the numbers only; the strategy that uses them is radau.h.
 * It never contains logic.
 *
 * Source: E. Hairer, G. Wanner, Solving Ordinary Differential Equations II
 * (2nd ed., 1996), IV.5 (Table 5.6: the method) and IV.8 (the transformed
 * Newton iteration, eqs. (8.15)-(8.20)), and their code radau5.f
 * (subroutine RADCOR, the constants block; ESTRAD for the estimate). The
 * digits of T and T⁻¹ are radau5.f's (20 significant digits).
 *
 * The method: nodes c = ((4 − √6)/10, (4 + √6)/10, 1), collocation at c
 * (A = Table 5.6), y_new = y + Z_3 (stiffly accurate). Stage increments
 * Z_i = Y_i − y solve Z = h (A ⊗ I) F(Z). A⁻¹ has one real eigenvalue γ
 * and a complex pair α ± iβ; with T⁻¹ A⁻¹ T = [[γ, 0, 0], [0, α, −β],
 * [0, β, α]] and W = (T⁻¹ ⊗ I) Z, the simplified Newton iteration splits
 * into a real N×N system with (γ/h)·I − J and a complex one with
 * ((α + iβ)/h)·I − J (radau.h):
 *   γ = 1/u, u = (6 + 81^(1/3) − 9^(1/3))/30          (real eigenvalue of A)
 *   α + iβ = 1/(a + ib), a = (12 − 81^(1/3) + 9^(1/3))/60,
 *                        b = (81^(1/3) + 9^(1/3))·√3/60
 * Error estimate (HNW II, IV.8, eq. (8.20), γ0 = 1/γ):
 *   err = ((γ/h)·I − J)⁻¹ ( f(t, y) + (d_1 Z_1 + d_2 Z_2 + d_3 Z_3)/h ),
 *   d = (−(13 + 7√6)/3, (−13 + 7√6)/3, −1/3)
 * i.e. (I − hγ0 J)⁻¹ (ŷ − y_new) for the embedded formula
 * ŷ = y + h γ0 f(t, y) + Σ b̂_i k_i of order 3, filtered so that the
 * estimate stays bounded for stiff components.
 * Dense output and starting values: the collocation polynomial through
 * (0, 0) and (c_i, Z_i) (radau5.f's CONT, CONTR5).
 *
 * tests/kernels/check_radau.py checks every number here against the
 * definitions above in 40-digit arithmetic.
 */
#ifndef CUBIE_RADAU_TABLEAUS_H
#define CUBIE_RADAU_TABLEAUS_H

/* Nodes, and c_1 − 1, c_2 − 1, c_1 − c_2 (the dense output's divided differences). */
#define CUBIE_RADAU_C1 0.1550510257216821901802716
#define CUBIE_RADAU_C2 0.6449489742783178098197284
#define CUBIE_RADAU_C1M1 (-0.8449489742783178098197284)
#define CUBIE_RADAU_C2M1 (-0.3550510257216821901802716)
#define CUBIE_RADAU_C1MC2 (-0.4898979485566356196394568)

/* Eigenvalues of A⁻¹: γ and α ± iβ. */
#define CUBIE_RADAU_GAMMA 3.637834252744495732208419
#define CUBIE_RADAU_ALPHA 2.681082873627752133895791
#define CUBIE_RADAU_BETA 3.050430199247410569426378

/* T (its third row is (T31, 1, 0)) and T⁻¹. */
#define CUBIE_RADAU_T11 9.1232394870892942792e-02
#define CUBIE_RADAU_T12 (-0.14125529502095420843)
#define CUBIE_RADAU_T13 (-3.0029194105147424492e-02)
#define CUBIE_RADAU_T21 0.24171793270710701896
#define CUBIE_RADAU_T22 0.20412935229379993199
#define CUBIE_RADAU_T23 0.38294211275726193779
#define CUBIE_RADAU_T31 0.96604818261509293619
#define CUBIE_RADAU_TI11 4.3255798900631553510
#define CUBIE_RADAU_TI12 0.33919925181580986954
#define CUBIE_RADAU_TI13 0.54177053993587487119
#define CUBIE_RADAU_TI21 (-4.1787185915519047273)
#define CUBIE_RADAU_TI22 (-0.32768282076106238708)
#define CUBIE_RADAU_TI23 0.47662355450055045196
#define CUBIE_RADAU_TI31 (-0.50287263494578687595)
#define CUBIE_RADAU_TI32 2.5719269498556054292
#define CUBIE_RADAU_TI33 (-0.59603920482822492497)

/* The error estimate's d_i. */
#define CUBIE_RADAU_DD1 (-10.04880939982741556246033)
#define CUBIE_RADAU_DD2 1.382142733160748895793663
#define CUBIE_RADAU_DD3 (-0.3333333333333333333333333)

#endif
