"""The sampled sweep designs through `cubie run`, read back from the file.

1. Sobol' against the published direction numbers: the unscrambled points of
   dimensions 1..16 (decoded in the kernel) and 1..32 (more axes than a
   kernel's argument block carries: decoded by the host) equal
   scipy.stats.qmc.Sobol(scramble=False) — scipy ships Joe and Kuo's
   new-joe-kuo-6.21201 numbers — point for point (scipy's Gray-code point
   k is the natural-order point k ^ (k >> 1)).
2. Marginals (Kolmogorov–Smirnov, scipy.stats.kstest) of 4096 points:
   random uniform, normal and lognormal, latin_hypercube and scrambled
   sobol against their exact distributions. The seed is fixed, so each
   p-value is a fixed number, not a flaky draw; the threshold 1e-3 is the
   level at which a correct generator fails for 1 seed in 1000 per marginal
   (0.5 % for the five), while a generator off by a 0.15-sd shift, a 20 %
   scale error or a 5 % shift of a uniform gives p < 1e-6 at n = 4096
   (checked below on the same data, so the test is shown to have the power
   to fail).
3. Latin hypercube strata read from the file: exactly one point per
   stratum [B(s), B(s+1)) of each axis.
   The same design decoded by the host (a grid with more axes than a
   kernel carries) has the kernel's values bit for bit.
4. Per-run tables: a CSV and a NetCDF column arrive in the file's swept
   variables bit for bit, next to a design axis (a round trip).

Usage: sampling_designs.py CUBIE WORK_DIR
Exits 77 (skipped) when scipy is missing.
"""
import os
import subprocess
import sys

import netCDF4
import numpy as np

try:
    from scipy import stats
    from scipy.stats import qmc
except ImportError:
    print("scipy is not available: skipped")
    sys.exit(77)

BAD = []


def check(cond, what):
    if not cond:
        BAD.append(what)
        print("FAIL:", what)


def deck(params, sweep, samples, seed=0):
    """A deck of dx = -x with the given parameters, the sampled sweep and size."""
    p = ", ".join("%s: 1.0" % n for n in params)
    lines = ["model:", "  states: {x: 1.0}", "  parameters: {%s}" % p, "  equations: dx = -x",
             "integrator:", "  algorithm: euler", "  step_control: fixed", "  dt: 0.5",
             "  duration: 0.5", "batch:", "  samples: %d" % samples, "  seed: %d" % seed, "  sweep:"]
    lines += ["    %s: %s" % (n, s) for n, s in sweep]
    return "\n".join(lines) + "\n"


def run(cubie, work, name, text, *extra):
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(work, name + ".nc")
    p = subprocess.run([cubie, "run", path, "-o", out, "--force", "--backend", "cpu", "-q"]
                       + list(extra), capture_output=True, text=True)
    if p.returncode != 0:
        check(False, "%s: cubie failed (%d): %s" % (name, p.returncode, p.stderr.strip()))
        return None
    ds = netCDF4.Dataset(out)
    return ds


def sobol_reference(work, cubie, dims, n):
    names = ["p%d" % i for i in range(1, dims + 1)]
    ds = run(cubie, work, "sobol%d" % dims,
             deck(names, [(nm, "{sobol: {low: 0, high: 1, scramble: false}}") for nm in names], n))
    if ds is None:
        return
    with ds:
        got = np.stack([np.asarray(ds[nm][:]) for nm in names], axis=1)
    ref = qmc.Sobol(d=dims, scramble=False).random(n)
    k = np.arange(n)
    check(np.array_equal(got[k ^ (k >> 1)], ref),
          "unscrambled Sobol' dimensions 1..%d equal scipy's (Joe-Kuo) points" % dims)


def ks(sample, cdf, what, threshold=1e-3):
    p = stats.kstest(sample, cdf).pvalue
    check(p > threshold, "%s: KS p = %.3g > %g" % (what, p, threshold))
    return p


def marginals(work, cubie):
    sweep = [("u", "{random: {low: -1, high: 3}}"),
             ("nrm", "{random: {distribution: normal, mean: 2, sd: 0.5}}"),
             ("lgn", "{random: {distribution: lognormal, mu: 0.3, sigma: 0.4}}"),
             ("lhs", "{latin_hypercube: {low: 0, high: 10}}"),
             ("sob", "{sobol: {low: 0, high: 1}}"),
             ("lhs2", "{latin_hypercube: {low: 0, high: 1}}")]
    n = 4096
    ds = run(cubie, work, "marginals", deck([s[0] for s in sweep], sweep, n, seed=20240))
    if ds is None:
        return
    with ds:
        v = {name: np.asarray(ds[name][:]) for name, _ in sweep}
    ps = [ks(v["u"], stats.uniform(-1, 4).cdf, "random uniform(-1, 3)"),
          ks(v["nrm"], stats.norm(2, 0.5).cdf, "random normal(2, 0.5)"),
          ks(v["lgn"], stats.lognorm(s=0.4, scale=np.exp(0.3)).cdf, "random lognormal(0.3, 0.4)"),
          ks(v["lhs"], stats.uniform(0, 10).cdf, "latin_hypercube(0, 10)"),
          ks(v["sob"], stats.uniform(0, 1).cdf, "scrambled sobol(0, 1)")]
    # power: the same data against slightly wrong distributions must fail
    for sample, wrong, what in ((v["nrm"], stats.norm(2.075, 0.5).cdf, "normal shifted by 0.15 sd"),
                                (v["nrm"], stats.norm(2, 0.6).cdf, "normal with sd 20 % too large"),
                                (v["lgn"], stats.lognorm(s=0.4, scale=np.exp(0.36)).cdf,
                                 "lognormal with mu shifted by 0.15 sigma"),
                                (v["u"], stats.uniform(-0.8, 4).cdf, "uniform shifted by 5 %")):
        p = stats.kstest(sample, wrong).pvalue
        check(p < 1e-6, "KS detects a %s (p = %.3g)" % (what, p))
    # independence of axes: sample correlations near 0 (|r| < 4/sqrt(n))
    r = np.corrcoef(np.stack([v[name] for name, _ in sweep]))
    off = np.abs(r[~np.eye(len(sweep), dtype=bool)]).max()
    check(off < 4 / np.sqrt(n), "axes are uncorrelated (max |r| = %.3g)" % off)
    # Latin hypercube strata [B(s), B(s+1)), B(s) = low + (span s) / n as the decoder computes them
    for name, lo, hi in (("lhs", 0.0, 10.0), ("lhs2", 0.0, 1.0)):
        b = lo + ((hi - lo) * np.arange(n + 1, dtype=float)) / n
        s = np.searchsorted(b, v[name], side="right") - 1
        check(np.array_equal(np.sort(s), np.arange(n)), "%s: exactly one point per stratum" % name)
    print("KS p-values: " + ", ".join("%.3g" % p for p in ps))
    # The same design with 11 one-value axes more (17 > the 16 a kernel's
    # argument block carries): the host decodes it, with the same values.
    extra = [("q%d" % i, "[%d]" % i) for i in range(11)]
    ds = run(cubie, work, "marginals_host", deck([s[0] for s in sweep + extra], sweep + extra, n,
                                                   seed=20240))
    if ds is not None:
        with ds:
            for name, _ in sweep:
                check(np.asarray(ds[name][:]).tobytes() == v[name].tobytes(),
                      "%s: the host's decode equals the kernel's, bit for bit" % name)


def tables(work, cubie):
    rng = np.random.default_rng(3)
    n = 37
    a = rng.normal(size=n) * 10.0 ** rng.integers(-8, 8, size=n)
    b = rng.lognormal(size=n)
    csv = os.path.join(work, "posterior.csv")
    with open(csv, "w") as f:
        f.write("# draws from somewhere else\nalpha,beta\n")
        for x, y in zip(a, b):
            f.write("%r, %r\n" % (float(x), float(y)))
    nc = os.path.join(work, "cohort.nc")
    with netCDF4.Dataset(nc, "w") as d:
        d.createDimension("subject", n)
        d.createVariable("weight", "f8", ("subject",))[:] = b * 3
    text = deck(["alpha", "beta", "w", "z"],
                [("alpha", "{file: posterior.csv}"), ("beta", "{file: posterior.csv}"),
                 ("w", "{file: {path: cohort.nc, column: weight}}"),
                 ("z", "{sobol: {low: 0, high: 1}}")], n).replace("  samples: %d\n" % n, "")
    for name, extra in (("tables", []), ("tables_chunked", ["--set", "run.memory_limit=2KiB"])):
        ds = run(cubie, work, name, text, *extra)
        if ds is None:
            continue
        with ds:
            check(np.array_equal(np.asarray(ds["alpha"][:]), a), "%s: CSV column alpha round trip" % name)
            check(np.array_equal(np.asarray(ds["beta"][:]), b), "%s: CSV column beta round trip" % name)
            check(np.array_equal(np.asarray(ds["w"][:]), b * 3), "%s: NetCDF column round trip" % name)
            x = np.asarray(ds["x"][:])[:, -1]
            check(np.all(x == 0.5), "%s: every run integrated" % name)


def main():
    cubie, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    sobol_reference(work, cubie, 16, 1024)
    sobol_reference(work, cubie, 32, 256)
    marginals(work, cubie)
    tables(work, cubie)
    print("sampling designs: %s" % ("ok" if not BAD else "FAILED (%d)" % len(BAD)))
    return 1 if BAD else 0


if __name__ == "__main__":
    sys.exit(main())
