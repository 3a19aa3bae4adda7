#!/usr/bin/env python3
"""Check kernels/radau_tableaus.h against the definitions of the 3-stage
Radau IIA method (HNW II, IV.5 Table 5.6 and IV.8) in 40-digit arithmetic,
and its row in kernels/methods.def.

  * the nodes and their differences are (4 ∓ √6)/10, 1;
  * γ, α, β are the eigenvalues of A⁻¹ (γ real, α ± iβ), and
    T⁻¹ A⁻¹ T = [[γ, 0, 0], [0, α, −β], [0, β, α]] with T's third row
    (T31, 1, 0) and T⁻¹ T = I (to the 20 digits radau5.f gives);
  * A is the collocation matrix (Σ_j a_ij c_j^(k−1) = c_i^k / k, k = 1..3)
    and b = A's last row (order 5: Σ b_j c_j^(k−1) = 1/k, k = 1..5);
  * the estimate's d_i: with γ0 = 1/γ, ŷ − y_new = h γ0 f(y0) + γ0 Σ d_i Z_i
    is h times an order condition residual of an embedded formula of
    order 3: γ0·0^(k−1) + γ0 (d A)·c^(k−1) = 0 for k = 1..3 (so the
    estimate is O(h⁴)), and not for k = 4;
  * methods.def: RADAU5 in family RADAU, 3 stages, order 5, error order 3,
    dense order 3 and degree 3, jacobian 2.
usage: check_radau.py kernels/radau_tableaus.h kernels/methods.def
"""
import re
import sys
from mpmath import mp, mpf, sqrt, cbrt, matrix, inverse

mp.dps = 40
text = open(sys.argv[1]).read()
vals = {m.group(1): mpf(m.group(2).replace("(", "").replace(")", ""))
        for m in re.finditer(r"#define CUBIE_RADAU_([A-Z0-9]+) \(?(-?[0-9.e+-]+)\)?\n", text)}
failed = 0


def check(cond, what):
    global failed
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failed += 1


def close(a, b, tol):
    return abs(a - b) <= tol


s6 = sqrt(6)
c = [(4 - s6) / 10, (4 + s6) / 10, mpf(1)]
A = matrix([[(88 - 7 * s6) / 360, (296 - 169 * s6) / 1800, (-2 + 3 * s6) / 225],
            [(296 + 169 * s6) / 1800, (88 + 7 * s6) / 360, (-2 - 3 * s6) / 225],
            [(16 - s6) / 36, (16 + s6) / 36, mpf(1) / 9]])
tol25 = mpf(10) ** -24
check(close(vals["C1"], c[0], tol25) and close(vals["C2"], c[1], tol25), "nodes")
check(close(vals["C1M1"], c[0] - 1, tol25) and close(vals["C2M1"], c[1] - 1, tol25)
      and close(vals["C1MC2"], c[0] - c[1], tol25), "node differences")
for k in range(1, 4):
    check(all(close(sum(A[i, j] * c[j] ** (k - 1) for j in range(3)), c[i] ** k / k, tol25)
              for i in range(3)), "collocation condition C(%d)" % k)
for k in range(1, 6):
    check(close(sum(A[2, j] * c[j] ** (k - 1) for j in range(3)), mpf(1) / k, tol25),
          "order condition B(%d) (b = last row of A)" % k)
Ai = inverse(A)
u = (6 + cbrt(81) - cbrt(9)) / 30
a = (12 - cbrt(81) + cbrt(9)) / 60
b = (cbrt(81) + cbrt(9)) * sqrt(3) / 60
check(close(vals["GAMMA"], 1 / u, tol25), "gamma = 1/u")
check(close(vals["ALPHA"], a / (a * a + b * b), tol25) and close(vals["BETA"], b / (a * a + b * b), tol25),
      "alpha + i beta = 1/(a + ib)")
T = matrix([[vals["T11"], vals["T12"], vals["T13"]], [vals["T21"], vals["T22"], vals["T23"]],
            [vals["T31"], 1, 0]])
TI = matrix([[vals["TI%d%d" % (i, j)] for j in range(1, 4)] for i in range(1, 4)])
L = TI * Ai * T
want = matrix([[vals["GAMMA"], 0, 0], [0, vals["ALPHA"], -vals["BETA"]], [0, vals["BETA"], vals["ALPHA"]]])
tol20 = mpf(10) ** -18
check(all(close(L[i, j], want[i, j], tol20) for i in range(3) for j in range(3)),
      "T^-1 A^-1 T = [[gamma,0,0],[0,alpha,-beta],[0,beta,alpha]]")
I3 = TI * T
check(all(close(I3[i, j], 1 if i == j else 0, tol20) for i in range(3) for j in range(3)), "T^-1 T = I")
dd = [vals["DD1"], vals["DD2"], vals["DD3"]]
check(close(dd[0], -(13 + 7 * s6) / 3, tol25) and close(dd[1], (-13 + 7 * s6) / 3, tol25)
      and close(dd[2], mpf(-1) / 3, tol25), "d = (-(13+7 sqrt6)/3, (-13+7 sqrt6)/3, -1/3)")
g0 = 1 / vals["GAMMA"]
dA = [sum(dd[i] * A[i, j] for i in range(3)) for j in range(3)]
for k in range(1, 5):
    r = g0 * (1 if k == 1 else 0) + g0 * sum(dA[j] * c[j] ** (k - 1) for j in range(3))
    if k < 4:
        check(close(r, 0, tol25), "estimate: embedded order condition %d holds" % k)
    else:
        check(abs(r) > mpf(10) ** -3, "estimate: condition 4 does not (O(h^4) estimate)")
defs = open(sys.argv[2]).read()
m = re.search(r'M\(RADAU5, "radau5", "[^"]*", "[^"]*", RADAU, 3, 5, 3, 0, 3, 3, 2, 0\)', defs)
check(m is not None, "methods.def: RADAU5 row (RADAU, 3 stages, order 5, error order 3, dense 3/3, jacobian 2, no extra dense stages)")
print("%d failed" % failed)
sys.exit(1 if failed else 0)
