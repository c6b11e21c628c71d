#!/usr/bin/env python3
"""Peer for bench/stability-limit.ts: is a DOP853 solve of the value-softmax flow limited by
accuracy or by stability? Reads {cases: [{label, problem, tEnd}], rtols: [...]} on stdin (problem:
as bench/peers/flow_scipy.py reads it) and prints JSON:
  {boundary, versions, cases: [{label, rtol, steps, nfev, limited, limited_nfev, median_ratio,
   lam_min, lam_max, t_limited}]}
- boundary: the most negative real z with |R(z)| <= 1 for DOP853's stability function
  R(z) = 1 + z b^T (I - zA)^{-1} 1 (scipy's tableau, 12 stages), on a grid of step 1e-4.
- Per case and rtol (atol = rtol/100): scipy's DOP853 solve; at the start t_i of every accepted
  step, the smallest eigenvalue lambda_i of the Jacobian (Lanczos, scipy's eigsh, on central
  differences of the analytic RHS: the flow is a gradient flow, its Jacobian -Hess L is symmetric,
  so its spectrum is real); ratio_i = h_i * |lambda_i| / |boundary| (1: the step sits on DOP853's
  stability boundary; an accuracy-limited step has no reason to). limited = the steps with
  ratio >= 0.8 and lambda_i < 0, limited_nfev = their share of the RHS evaluations (12 per
  attempt), median_ratio over those steps, lam_min / lam_max the extreme eigenvalues at the last
  step start, t_limited the first t_i from which every step is limited (null if none).
One BLAS thread is the caller's business (environment).
"""
import json
import sys

import numpy as np
from scipy.integrate import solve_ivp
from scipy.integrate._ivp import dop853_coefficients as dc
from scipy.sparse.linalg import LinearOperator, eigsh

from flow_scipy import make_batched_rhs


def real_boundary():
    A = dc.A[:12, :12]
    b = dc.B
    eye = np.eye(12)
    ones = np.ones(12)
    z = 0.0
    while True:
        z2 = z - 1e-4
        if abs(1 + z2 * b @ np.linalg.solve(eye - z2 * A, ones)) > 1:
            return z
        z = z2


def extreme(rhs, t, y, which, v0):
    eps = 1e-7 * max(1.0, float(np.max(np.abs(y))))

    def mv(v):
        return (rhs(t, y + eps * v) - rhs(t, y - eps * v)) / (2 * eps)

    op = LinearOperator((y.size, y.size), matvec=mv, dtype=float)
    vals, vecs = eigsh(op, k=1, which=which, tol=1e-4, maxiter=20000, v0=v0)
    return float(vals[0]), vecs[:, 0]


def main():
    job = json.load(sys.stdin)
    boundary = real_boundary()
    out = []
    for case in job["cases"]:
        rhs, y0 = make_batched_rhs(case["problem"])
        for rtol in job["rtols"]:
            # Without t_eval, solve_ivp returns the state at every accepted step (and no dense
            # output, whose 3 extra stages per step would inflate nfev).
            s = solve_ivp(rhs, (0.0, case["tEnd"]), y0, method="DOP853", rtol=rtol, atol=rtol / 100)
            ts = s.t
            hs = np.diff(ts)
            v = None
            ratios = []
            lams = []
            for i in range(len(hs)):
                lam, v = extreme(rhs, ts[i], s.y[:, i], "SA", v)
                lams.append(lam)
                ratios.append(hs[i] * abs(lam) / abs(boundary) if lam < 0 else 0.0)
            # The last step is cut to end at tEnd: not a choice of the controller.
            r = np.array(ratios[:-1])
            lim = r >= 0.8
            t_lim = None
            for i in range(len(r)):
                if lim[i:].all():
                    t_lim = float(ts[i])
                    break
            lam_max, _ = extreme(rhs, ts[-2], s.y[:, -2], "LA", None)
            out.append({
                "label": case["label"],
                "rtol": rtol,
                "steps": int(len(hs)),
                "nfev": int(s.nfev),
                "limited": int(lim.sum()),
                "limited_nfev": float(12 * lim.sum() / s.nfev),
                "median_ratio": float(np.median(r[lim])) if lim.any() else None,
                "lam_min": lams[-2] if len(lams) > 1 else lams[-1],
                "lam_max": lam_max,
                "t_limited": t_lim,
            })
    import platform
    import scipy
    versions = f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}"
    json.dump({"boundary": boundary, "cases": out, "versions": versions}, sys.stdout)


if __name__ == "__main__":
    main()
