/* rosenbrock_tableaus.h — the coefficients of cubie's Rosenbrock and
 * Rosenbrock-W methods (step family ROSENBROCK, rosenbrock.h);
 * CUBIE_ALGORITHM_<ID> selects one (with algorithm auto, auto.h defines
 * CUBIE_ALGORITHM_RODAS5P beside it). Tables are sized by CUBIE_ROS_STAGES
 * and CUBIE_ROS_DENSE_DEGREE (rosenbrock.h).
 *
 * Responsible for the numbers only (and which of them a method has); stages,
 * orders, FSAL and dense output are its kernels/methods.def row. It never
 * contains logic.
 *
 * Conventions: the transformed form of Hairer & Wanner II, IV.7, eq. (7.25),
 * as rodas.f uses it. With M = I/(γh) − J (J = ∂f/∂y, T = ∂f/∂t, both at
 * the point the Jacobian was taken):
 *   M u_i = f(t + α_i h, y + Σ_{j<i} a_ij u_j) + Σ_{j<i} (c_ij / h) u_j + γ_i h T
 *   y_new = y + Σ_j m_j u_j
 *   err   = Σ_j e_j u_j,  e = m − m̂       (m̂: the embedded solution)
 *   dense output (DENSE_DEGREE > 0), K = DENSE_DEGREE − 1 rows of h:
 *     y(t + θh) = y + θ Σ_j m_j u_j + θ(1 − θ) Σ_{k<K} θ^k Σ_j h_kj u_j
 *   (rodas.f's CONT form; OrdinaryDiffEq.jl's H matrix).
 * They are the classical coefficients (α_ij, γ_ij, b_j) transformed by
 * Γ = (γ_ij): (a_ij) = (α_ij) Γ^-1, (c_ij) = diag(1/γ) − Γ^-1,
 * m = b Γ^-1; α_i = Σ_j α_ij and γ_i = Σ_j γ_ij (diagonal included) are
 * what a non-autonomous problem needs.
 *
 * Besides the tables a method says:
 *   CUBIE_ROS_GAMMA            the diagonal γ (M's shift is 1/(γh))
 *   CUBIE_ROS_W_METHOD         1: keeps its order with any approximation of J
 *                              (a W-method), so J may be reused across steps
 *   CUBIE_ROS_SOLUTION_STAGES  the stages y_new needs (later stages only
 *                              feed the error estimate: skipped in fixed-step
 *                              runs)
 *   CUBIE_ROS_L_STABLE         1: R(∞) = 0 (documentation; checked)
 *
 * Digits: published decimals verbatim (rodas.f, OrdinaryDiffEq.jl); methods
 * given in closed form (ros23, ros3p) as 36 significant digits of the exact
 * value, the closed form in the comment. tests/kernels/check_rosenbrock.py
 * transforms every table back and checks it against the Rosenbrock (and,
 * for W-methods, the W-) order conditions, the embedded order, the dense
 * output order, the stability at infinity and its methods.def row.
 *
 * Storage: as erk_tableaus.h (`__constant__` on the device, static on the
 * host); every loop over stages is unrolled, so each coefficient is a
 * literal and zeros cost nothing.
 */
#ifndef CUBIE_ROSENBROCK_TABLEAUS_H
#define CUBIE_ROSENBROCK_TABLEAUS_H

#if CUBIE_ON_DEVICE
#define CUBIE_ROS_TABLE static __constant__ const double
#else
#define CUBIE_ROS_TABLE __attribute__((unused)) static const double
#endif

#if defined(CUBIE_ALGORITHM_ROS23)
/* Shampine & Reichelt's modified Rosenbrock pair, MATLAB's ode23s:
 * L.F. Shampine, M.W. Reichelt, "The MATLAB ODE Suite", SIAM J. Sci.
 * Comput. 18 (1997) 1-22, section 3.1. With d = 1/(2 + √2), e32 = 6 + √2,
 * W = I − h d J:
 *   k1 = W^-1 (f(t, y) + h d T)
 *   k2 = W^-1 (f(t + h/2, y + h k1/2) − k1) + k1,   y_new = y + h k2
 *   k3 = W^-1 (f(t + h, y_new) − e32 (k2 − F1) − 2 (k1 − F0) + h d T)
 *   err = h (k1 − 2 k2 + k3) / 6
 * i.e. α21 = 1/2, α32 = 1; γ = d, γ21 = −d, γ31 = (e32 − 2) d, γ32 = −e32 d;
 * b = (0, 1, 0) (order 2, a W-method: any J), b̂ = (1, 4, 1)/6 (order 3).
 * Dense output (the paper's): y + h (θ(1−θ) k1 + θ(θ − 2d) k2)/(1 − 2d),
 * here h_0 = (0, −(4 + 3√2), 0). Transformed: a31 = a32 = m1 = m2 = 2 + √2,
 * a21 = 1 + √2/2, c21 = −(2 + √2), c31 = −(4 + 2√2), c32 = −(12 + 9√2),
 * γ_i = (d, 0, −d). The last stage is f(t + h, y_new) (FSAL). */
#define CUBIE_ROS_GAMMA 0.292893218813452475599155637895150961
#define CUBIE_ROS_W_METHOD 1
#define CUBIE_ROS_SOLUTION_STAGES 2
#define CUBIE_ROS_L_STABLE 1
CUBIE_ROS_TABLE cubie_ros_alpha[CUBIE_ROS_STAGES] = {0.0, 1.0 / 2.0, 1.0};
CUBIE_ROS_TABLE cubie_ros_gammas[CUBIE_ROS_STAGES] = {
    0.292893218813452475599155637895150961, 0.0, -0.292893218813452475599155637895150961};
CUBIE_ROS_TABLE cubie_ros_a[CUBIE_ROS_STAGES][CUBIE_ROS_STAGES] = {
    {0.0},
    {1.70710678118654752440084436210484904},
    {3.41421356237309504880168872420969808, 3.41421356237309504880168872420969808},
};
CUBIE_ROS_TABLE cubie_ros_c[CUBIE_ROS_STAGES][CUBIE_ROS_STAGES] = {
    {0.0},
    {-3.41421356237309504880168872420969808},
    {-6.82842712474619009760337744841939616, -25.3137084989847603904135097936775846},
};
CUBIE_ROS_TABLE cubie_ros_m[CUBIE_ROS_STAGES] = {
    3.41421356237309504880168872420969808, 3.41421356237309504880168872420969808, 0.0};
CUBIE_ROS_TABLE cubie_ros_e[CUBIE_ROS_STAGES] = {
    -0.569035593728849174800281454034949680, -3.08088022903976171546835539087636475,
    -0.569035593728849174800281454034949680};
CUBIE_ROS_TABLE cubie_ros_h[CUBIE_ROS_DENSE_DEGREE - 1][CUBIE_ROS_STAGES] = {
    {0.0, -8.24264068711928514640506617262909424, 0.0},
};

#elif defined(CUBIE_ALGORITHM_ROS3P)
/* ROS3P: J. Lang, J. Verwer, "ROS3P — an accurate third-order Rosenbrock
 * solver designed for parabolic problems", BIT 41 (2001) 731-738. γ =
 * 1/2 + √3/6; α21 = α31 = 1, α32 = 0; γ21 = −1, γ31 = −γ,
 * γ32 = −(1/2 + √3/3); b = (2/3, 0, 1/3) (order 3), b̂ = (1/3, 1/3, 1/3)
 * (order 2). A-stable, |R(∞)| = 0.73; no dense output. Transformed as in
 * OrdinaryDiffEq.jl's ROS3PTableau (with g = 1/γ: a21 = a31 = g,
 * c21 = −g², c31 = −2√3, c32 = −√3, m = (2, √3/3, g/3),
 * m̂ = (5g/3, 1, g/3)). */
#define CUBIE_ROS_GAMMA 0.788675134594812882254574390250978728
#define CUBIE_ROS_W_METHOD 0
#define CUBIE_ROS_SOLUTION_STAGES 3
#define CUBIE_ROS_L_STABLE 0
CUBIE_ROS_TABLE cubie_ros_alpha[CUBIE_ROS_STAGES] = {0.0, 1.0, 1.0};
CUBIE_ROS_TABLE cubie_ros_gammas[CUBIE_ROS_STAGES] = {
    0.788675134594812882254574390250978728, -0.211324865405187117745425609749021272,
    -1.07735026918962576450914878050195746};
CUBIE_ROS_TABLE cubie_ros_a[CUBIE_ROS_STAGES][CUBIE_ROS_STAGES] = {
    {0.0},
    {1.26794919243112270647255365849412763},
    {1.26794919243112270647255365849412763, 0.0},
};
CUBIE_ROS_TABLE cubie_ros_c[CUBIE_ROS_STAGES][CUBIE_ROS_STAGES] = {
    {0.0},
    {-1.60769515458673623883532195096476580},
    {-3.46410161513775458705489268301174473, -1.73205080756887729352744634150587237},
};
CUBIE_ROS_TABLE cubie_ros_m[CUBIE_ROS_STAGES] = {
    2.0, 0.577350269189625764509148780501957456, 0.422649730810374235490851219498042544};
CUBIE_ROS_TABLE cubie_ros_e[CUBIE_ROS_STAGES] = {
    -0.113248654051871177454256097490212722, -0.422649730810374235490851219498042544, 0.0};

#elif defined(CUBIE_ALGORITHM_RODAS4)
/* RODAS4: E. Hairer, G. Wanner, Solving Ordinary Differential Equations II
 * (2nd ed., 1996), VI.4, code rodas.f (subroutine ROCOE, METH = 1; the same
 * digits are OrdinaryDiffEq.jl's Rodas4Tableau). Order 4, embedded order 3,
 * L-stable, stiffly accurate: stage 5 is evaluated at the embedded solution
 * and stage 6 at y_new − u_6, so err = u_6. Dense output of order 3
 * (rodas.f's D21..D35). */
#define CUBIE_ROS_GAMMA 0.25
#define CUBIE_ROS_W_METHOD 0
#define CUBIE_ROS_SOLUTION_STAGES 6
#define CUBIE_ROS_L_STABLE 1
CUBIE_ROS_TABLE cubie_ros_alpha[CUBIE_ROS_STAGES] = {0.0, 0.386, 0.21, 0.63, 1.0, 1.0};
CUBIE_ROS_TABLE cubie_ros_gammas[CUBIE_ROS_STAGES] = {
    0.25, -0.1043, 0.1035, -0.3620000000000023e-01, 0.0, 0.0};
CUBIE_ROS_TABLE cubie_ros_a[CUBIE_ROS_STAGES][CUBIE_ROS_STAGES] = {
    {0.0},
    {0.1544000000000000e+01},
    {0.9466785280815826e+00, 0.2557011698983284e+00},
    {0.3314825187068521e+01, 0.2896124015972201e+01, 0.9986419139977817e+00},
    {0.1221224509226641e+01, 0.6019134481288629e+01, 0.1253708332932087e+02,
     -0.6878860361058950e+00},
    {0.1221224509226641e+01, 0.6019134481288629e+01, 0.1253708332932087e+02,
     -0.6878860361058950e+00, 1.0},
};
CUBIE_ROS_TABLE cubie_ros_c[CUBIE_ROS_STAGES][CUBIE_ROS_STAGES] = {
    {0.0},
    {-0.5668800000000000e+01},
    {-0.2430093356833875e+01, -0.2063599157091915e+00},
    {-0.1073529058151375e+00, -0.9594562251023355e+01, -0.2047028614809616e+02},
    {0.7496443313967647e+01, -0.1024680431464352e+02, -0.3399990352819905e+02,
     0.1170890893206160e+02},
    {0.8083246795921522e+01, -0.7981132988064893e+01, -0.3152159432874371e+02,
     0.1631930543123136e+02, -0.6058818238834054e+01},
};
CUBIE_ROS_TABLE cubie_ros_m[CUBIE_ROS_STAGES] = {
    0.1221224509226641e+01, 0.6019134481288629e+01, 0.1253708332932087e+02,
    -0.6878860361058950e+00, 1.0, 1.0};
CUBIE_ROS_TABLE cubie_ros_e[CUBIE_ROS_STAGES] = {0.0, 0.0, 0.0, 0.0, 0.0, 1.0};
CUBIE_ROS_TABLE cubie_ros_h[CUBIE_ROS_DENSE_DEGREE - 1][CUBIE_ROS_STAGES] = {
    {0.1012623508344586e+02, -0.7487995877610167e+01, -0.3480091861555747e+02,
     -0.7992771707568823e+01, 0.1025137723295662e+01, 0.0},
    {-0.6762803392801253e+00, 0.6087714651680015e+01, 0.1643084320892478e+02,
     0.2476722511418386e+02, -0.6594389125716872e+01, 0.0},
};

#elif defined(CUBIE_ALGORITHM_RODAS5P)
/* RODAS5P: G. Steinebach, "Construction of Rosenbrock-Wanner method Rodas5P
 * and numerical benchmarks within the Julia Differential Equations package",
 * BIT Numer. Math. 63 (2023) 27; the digits of OrdinaryDiffEq.jl's
 * Rodas5PTableau (lib/OrdinaryDiffEqRosenbrock/src/rosenbrock_tableaus.jl).
 * Order 5, embedded order 4, L-stable, stiffly accurate (stages 7 and 8 as
 * stages 5 and 6 of RODAS4: err = u_8); dense output of order 4 (three rows
 * of H). */
#define CUBIE_ROS_GAMMA 0.21193756319429014
#define CUBIE_ROS_W_METHOD 0
#define CUBIE_ROS_SOLUTION_STAGES 8
#define CUBIE_ROS_L_STABLE 1
CUBIE_ROS_TABLE cubie_ros_alpha[CUBIE_ROS_STAGES] = {
    0.0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664,
    1.0, 1.0, 1.0};
CUBIE_ROS_TABLE cubie_ros_gammas[CUBIE_ROS_STAGES] = {
    0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734,
    2.325825639765069, 0.0, 0.0, 0.0};
CUBIE_ROS_TABLE cubie_ros_a[CUBIE_ROS_STAGES][CUBIE_ROS_STAGES] = {
    {0.0},
    {3.0},
    {2.849394379747939, 0.45842242204463923},
    {-6.954028509809101, 2.489845061869568, -10.358996098473584},
    {2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641},
    {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256,
     0.030198172008377946},
    {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256,
     0.030198172008377946, 1.0},
    {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256,
     0.030198172008377946, 1.0, 1.0},
};
CUBIE_ROS_TABLE cubie_ros_c[CUBIE_ROS_STAGES][CUBIE_ROS_STAGES] = {
    {0.0},
    {-14.155112264123755},
    {-17.97296035885952, -2.859693295451294},
    {147.12150275711716, -1.41221402718213, 71.68940251302358},
    {165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306},
    {24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125,
     -0.6610691825249471},
    {30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783,
     -19.097331116725623, -28.087943162872662},
    {37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047,
     -40.06618937091002, -54.66780262877968, -9.48861652309627},
};
CUBIE_ROS_TABLE cubie_ros_m[CUBIE_ROS_STAGES] = {
    -7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256,
    0.030198172008377946, 1.0, 1.0, 1.0};
CUBIE_ROS_TABLE cubie_ros_e[CUBIE_ROS_STAGES] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0};
CUBIE_ROS_TABLE cubie_ros_h[CUBIE_ROS_DENSE_DEGREE - 1][CUBIE_ROS_STAGES] = {
    {25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204,
     0.524948541321073, 1.1241088310450404, 0.4272876194431874, -0.17202221070155493},
    {-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796,
     20.176138334709044, 15.98066361424651, -6.789040303419874, -6.710236069923372},
    {11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643,
     -52.072871366152654, -59.78993625266729, -0.15582684282751913, 4.883087185713722},
};

#else
#error "rosenbrock_tableaus.h: no coefficients for the selected method (kernels/methods.def)"
#endif

#endif
