#!/usr/bin/env python3
"""Peer for bench/flow.bench.ts: scipy solve_ivp on the value-softmax flow (one sample, softmax)
with an analytic, vectorised numpy RHS. Reads a job JSON on stdin:
  {problem: {loss, V, a, y?|beta?|X?}, tEnd, rtol, atol, methods: [...], repeats}
  or {problem, tEnd, runs: [{method, rtol, atol}], repeats, warmup?, tEval?} (warmup: untimed
  solves first; tEval: solve_ivp's t_eval, the last one tEnd)
and prints {method: {times_s: [...], cpu_s: [...], nfev, y_end: [...], status}} on stdout, or,
with `runs: [{method, rtol, atol}]` instead of methods/rtol/atol, {runs: [...]} in that order
(one entry per run, each with times_s and cpu_s). Only the solve_ivp call is timed (wall:
perf_counter; CPU: process_time, the figure to compare on a loaded machine). Losses: square,
logistic (one sample), regression ‖y − Xf‖² (no ½, the authors' convention); with K samples
(`a` as K rows sharing V, the loss averaged over them) or the cross-entropy loss
lse(f) − ⟨p, f⟩ the batched RHS below (softmax only; used by bench/independent-check.ts).
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import expit


def make_batched_rhs(problem):
    """K samples (rows of a) sharing V, L = (1/K) Σ_k ℓ_k; square, regression, cross-entropy, logistic."""
    V0 = np.asarray(problem["V"], dtype=float)
    d, n = V0.shape
    dn = d * n
    A0 = np.asarray(problem["a"], dtype=float).reshape(-1, n)
    K = A0.shape[0]
    loss = problem["loss"]
    if loss in ("square", "cross-entropy"):
        T = np.asarray(problem["y" if loss == "square" else "p"], dtype=float).reshape(K, d)
        ps = T.sum(axis=1, keepdims=True)
    elif loss == "regression":
        X = np.asarray(problem["X"], dtype=float)
        T = np.asarray(problem["y"], dtype=float).reshape(K, X.shape[0])
    elif loss == "logistic":
        beta = np.asarray(problem["beta"], dtype=float)
        labels = np.asarray(problem.get("labels") or [1.0] * K, dtype=float).reshape(K, 1)
    else:
        raise ValueError(loss)

    def rhs(_t, y):
        V = y[:dn].reshape(d, n)
        A = y[dn:].reshape(K, n)
        E = np.exp(A - A.max(axis=1, keepdims=True))
        S = E / E.sum(axis=1, keepdims=True)
        F = S @ V.T
        if loss == "square":
            G = F - T
        elif loss == "cross-entropy":
            Q = np.exp(F - F.max(axis=1, keepdims=True))
            G = ps * (Q / Q.sum(axis=1, keepdims=True)) - T
        elif loss == "regression":
            G = -2.0 * ((T - F @ X.T) @ X)
        else:
            G = -labels * expit(-labels * (F @ beta)[:, None]) * beta[None, :]
        W = G @ V
        out = np.empty_like(y)
        out[:dn] = (-(G.T @ S) / K).ravel()
        out[dn:] = (-(S * (W - (S * W).sum(axis=1, keepdims=True))) / K).ravel()
        return out

    y0 = np.concatenate([V0.ravel(), A0.ravel()])
    return rhs, y0


def make_rhs(problem):
    a = problem["a"]
    if problem["loss"] == "cross-entropy" or (len(a) > 0 and isinstance(a[0], list)):
        return make_batched_rhs(problem)
    V0 = np.asarray(problem["V"], dtype=float)
    d, n = V0.shape
    dn = d * n
    loss = problem["loss"]
    if loss == "square":
        target = np.asarray(problem["y"], dtype=float)
    elif loss == "logistic":
        beta = np.asarray(problem["beta"], dtype=float)
        label = float((problem.get("labels") or [1])[0])
    elif loss == "regression":
        X = np.asarray(problem["X"], dtype=float)
        target = np.asarray(problem["y"], dtype=float)
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
        elif loss == "regression":
            g = -2.0 * (X.T @ (target - X @ f))
        else:
            g = -label * expit(-label * (beta @ f)) * beta
        w = V.T @ g
        out = np.empty_like(y)
        out[:dn] = -np.outer(g, s).ravel()
        out[dn:] = -s * (w - s @ w)
        return out

    y0 = np.concatenate([V0.ravel(), np.asarray(problem["a"], dtype=float)])
    return rhs, y0


def solve_once(rhs, y0, t_end, method, rtol, atol, t_eval=None):
    w0 = time.perf_counter()
    c0 = time.process_time()
    sol = solve_ivp(rhs, (0.0, t_end), y0, method=method, rtol=rtol, atol=atol, t_eval=t_eval)
    return sol, time.perf_counter() - w0, time.process_time() - c0


def main():
    job = json.load(sys.stdin)
    rhs, y0 = make_rhs(job["problem"])
    if "runs" in job:
        out = []
        for run in job["runs"]:
            times, cpu, sol = [], [], None
            # Untimed warm-up solves (first-call costs inside numpy/scipy), as vsflow gets its JIT warm-up.
            for _ in range(job.get("warmup", 0)):
                solve_once(rhs, y0, job["tEnd"], run["method"], run["rtol"], run["atol"], job.get("tEval"))
            for _ in range(job.get("repeats", 1)):
                sol, w, c = solve_once(rhs, y0, job["tEnd"], run["method"], run["rtol"], run["atol"], job.get("tEval"))
                times.append(w)
                cpu.append(c)
            out.append({"method": run["method"], "rtol": run["rtol"], "times_s": times, "cpu_s": cpu, "nfev": int(sol.nfev), "y_end": sol.y[:, -1].tolist(), "status": int(sol.status)})
        json.dump({"runs": out}, sys.stdout)
        return
    out = {}
    for method in job["methods"]:
        times, cpu, sol = [], [], None
        for _ in range(job["repeats"]):
            sol, w, c = solve_once(rhs, y0, job["tEnd"], method, job["rtol"], job["atol"])
            times.append(w)
            cpu.append(c)
        out[method] = {"times_s": times, "cpu_s": cpu, "nfev": int(sol.nfev), "y_end": sol.y[:, -1].tolist(), "status": int(sol.status), "steps": int(sol.t.size - 1)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
