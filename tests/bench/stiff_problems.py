"""The stiff benchmark's models for scipy (tests/bench/cpu_stiff.py): ROBER and
POLLU of the IVP Test Set (Bari) as reaction tables, with the right-hand side
and analytic Jacobian built from them, scipy's Radau as a contender and as the
reference solver.

A third statement of the equations, independent of cubie's decks
(inputs/stiff/*.yaml) and of the C contender's (stiff_models.h): every
reaction is a rate constant times one or two species, and each species
changes by its net stoichiometric coefficients. The benchmark compares all
solutions against each other, so a slip in any statement shows up as an
accuracy failure instead of being shared.
"""

import time

import numpy as np
from scipy.integrate import solve_ivp


class ReactionModel:
    """f(y) = S r(y), r_j = k_j y[a_j] y[b_j] (b_j = None: first order),
    J = S dr/dy. States y1..yn and constants k1..kp in the test set's order."""

    def __init__(self, name, n_states, y0, nominal, reactants, changes):
        self.name = name
        self.n = n_states
        self.y0 = np.asarray(y0, dtype=float)
        self.nominal = np.asarray(nominal, dtype=float)
        self.states = [f"y{i + 1}" for i in range(n_states)]
        self.params = [f"k{j + 1}" for j in range(len(nominal))]
        # Index n is a constant 1, so a first-order reaction multiplies by it.
        self.a = np.array([r[0] - 1 for r in reactants])
        self.b = np.array([(r[1] - 1) if len(r) > 1 else n_states for r in reactants])
        self.second = self.b < n_states
        self.S = np.zeros((n_states, len(reactants)))
        for species, terms in changes.items():
            for reaction, coefficient in terms:
                self.S[species - 1, reaction - 1] += coefficient

    def functions(self, k):
        """(f, jac) for one run's rate constants k, for solve_ivp."""
        k = np.asarray(k, dtype=float)
        S, a, b, n = self.S, self.a, self.b, self.n
        rows = np.arange(len(k))
        sec = np.nonzero(self.second)[0]
        ext = np.ones(n + 1)

        def f(_t, y):
            ext[:n] = y
            return S @ (k * ext[a] * ext[b])

        def jac(_t, y):
            ext[:n] = y
            dr = np.zeros((len(k), n + 1))
            np.add.at(dr, (rows, a), k * ext[b])
            np.add.at(dr, (rows[sec], b[sec]), k[sec] * ext[a[sec]])
            return S @ dr[:, :n]

        return f, jac


def _changes(spec):
    """'1: -1 -10 +2 2*+4' style lines -> {species: [(reaction, coefficient)]}."""
    out = {}
    for line in spec.strip().splitlines():
        species, terms = line.split(":")
        entries = []
        for term in terms.split():
            times, _, reaction = term.rpartition("*")
            sign = -1.0 if reaction[0] == "-" else 1.0
            entries.append((int(reaction[1:]), sign * (float(times) if times else 1.0)))
        out[int(species)] = entries
    return out


# Robertson: A -> B (k1), 2B -> B + C (k2), B + C -> A + C (k3).
ROBER = ReactionModel(
    "rober", 3, [1.0, 0.0, 0.0], [0.04, 3.0e7, 1.0e4],
    reactants=[(1,), (2, 2), (2, 3)],
    changes=_changes("""
        1: -1 +3
        2: +1 -2 -3
        3: +2"""))

# Verwer's POLLU: 25 reactions of 20 species (test set, problem POLLU).
POLLU = ReactionModel(
    "pollu", 20,
    [0, 0.2, 0, 0.04, 0, 0, 0.1, 0.3, 0.01, 0, 0, 0, 0, 0, 0, 0, 0.007, 0, 0, 0],
    [0.35, 26.6, 1.23e4, 8.6e-4, 8.2e-4, 1.5e4, 1.3e-4, 2.4e4, 1.65e4, 9.0e3, 0.022, 1.2e4,
     1.88, 1.63e4, 4.8e6, 3.5e-4, 0.0175, 1.0e8, 4.44e11, 1240.0, 2.1, 5.78, 0.0474, 1780.0,
     3.12],
    reactants=[(1,), (2, 4), (5, 2), (7,), (7,), (7, 6), (9,), (9, 6), (11, 2), (11, 1), (13,),
               (10, 2), (14,), (1, 6), (3,), (4,), (4,), (16,), (16,), (17, 6), (19,), (19,),
               (1, 4), (19, 1), (20,)],
    changes=_changes("""
        1: -1 -10 -14 -23 -24 +2 +3 +9 +11 +12 +22 +25
        2: -2 -3 -9 -12 +1 +21
        3: -15 +1 +17 +19 +22
        4: -2 -16 -17 -23 +15
        5: -3 2*+4 +6 +7 +13 +20
        6: -6 -8 -14 -20 +3 2*+18
        7: -4 -5 -6 +13
        8: +4 +5 +6 +7
        9: -7 -8
        10: -12 +7 +9
        11: -9 -10 +8 +11
        12: +9
        13: -11 +10
        14: -13 +12
        15: +14
        16: -18 -19 +16
        17: -20
        18: +20
        19: -21 -22 -24 +23 +25
        20: -25 +24"""))

MODELS = {m.name: m for m in (ROBER, POLLU)}


def radau(model, k, t_end, rtol, atol):
    """One run with scipy's Radau and the analytic Jacobian: (final state,
    counters, seconds). Accepted steps are the points solve_ivp returns;
    it does not report rejected steps."""
    f, jac = model.functions(k)
    start = time.perf_counter()
    sol = solve_ivp(f, (0.0, t_end), model.y0, method="Radau", rtol=rtol, atol=atol, jac=jac)
    seconds = time.perf_counter() - start
    if sol.status != 0:
        raise RuntimeError(f"scipy Radau failed on {model.name} k={list(k)}: {sol.message}")
    counts = {"accepted": len(sol.t) - 1, "rhs": sol.nfev, "jacobians": sol.njev, "lu": sol.nlu}
    return sol.y[:, -1], counts, seconds


def scaled_error(y, ref, rtol, atol):
    """Per run: max_i |y_i - ref_i| / (atol + rtol |ref_i|) (rows are runs)."""
    return np.max(np.abs(y - ref) / (atol + rtol * np.abs(ref)), axis=1)
