#!/usr/bin/env python3
"""Peer for bench/flow.bench.ts: scipy solve_ivp on the value-softmax flow (one sample, softmax)
with an analytic, vectorised numpy RHS. Reads a job JSON on stdin:
  {problem: {loss, V, a, y?|beta?}, tEnd, rtol, atol, methods: [...], repeats}
and prints {method: {times_s: [...], nfev, y_end: [...], status}} on stdout. Only the
solve_ivp call is timed.
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import expit


def make_rhs(problem):
    V0 = np.asarray(problem["V"], dtype=float)
    d, n = V0.shape
    dn = d * n
    loss = problem["loss"]
    if loss == "square":
        target = np.asarray(problem["y"], dtype=float)
    elif loss == "logistic":
        beta = np.asarray(problem["beta"], dtype=float)
    else:
        raise ValueError(loss)

    def rhs(_t, y):
        V = y[:dn].reshape(d, n)
        a = y[dn:]
        e = np.exp(a - a.max())
        s = e / e.sum()
        f = V @ s
        if loss == "square":
            g = f - target
        else:
            g = -expit(-(beta @ f)) * beta
        w = V.T @ g
        out = np.empty_like(y)
        out[:dn] = -np.outer(g, s).ravel()
        out[dn:] = -s * (w - s @ w)
        return out

    y0 = np.concatenate([V0.ravel(), np.asarray(problem["a"], dtype=float)])
    return rhs, y0


def main():
    job = json.load(sys.stdin)
    rhs, y0 = make_rhs(job["problem"])
    out = {}
    for method in job["methods"]:
        times = []
        sol = None
        for _ in range(job["repeats"]):
            t0 = time.perf_counter()
            sol = solve_ivp(rhs, (0.0, job["tEnd"]), y0, method=method, rtol=job["rtol"], atol=job["atol"])
            times.append(time.perf_counter() - t0)
        out[method] = {"times_s": times, "nfev": int(sol.nfev), "y_end": sol.y[:, -1].tolist(), "status": int(sol.status), "steps": int(sol.t.size - 1)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
