#!/usr/bin/env python3
"""Prototype (numpy; not part of vsflow) for bench/stability-limit.ts: the square-loss flow's
stiff phase integrated by a linearly implicit Rosenbrock-W method instead of DOP853.

Reads {cases: [{label, problem, tEnd, tSwitch}], rtols: [...]} on stdin (square loss, one
sample, softmax: the flow benchmark's square cases) and prints JSON rows
  {label, rtol, dop853: {nfev, err}, switched: {tSwitch, nfev_dop853, steps, rejected, nfev, wops,
   err}}
- dop853: scipy's DOP853 on [0, t1] (atol = rtol/100).
- switched: scipy's DOP853 on [0, tSwitch], then ROS34PW2 (Rang & Angermann, BIT 45 (2005) 761–787:
  4 stages, order 3 for any matrix W, embedded order 2) on [tSwitch, t1] at the same rtol/atol
  and the same error norm, controller h·min(10, max(0.2, 0.9·err^(−1/3))).
  W = −BᵀB, the Gauss–Newton Hessian of L = ½‖Vσ(a) − y‖² at the step start, with
  B(δV, δa) = δV·σ + V·J_σ·δa (J_σ = diag σ − σσᵀ): rank d, and exact at zero residual, where the
  late phase of these flows is. (I − γhW)⁻¹ r = r − cBᵀ(I + cBBᵀ)⁻¹Br (c = γh, Woodbury; BBᵀ =
  ‖σ‖²I + (VJ_σ)(VJ_σ)ᵀ, a d×d Cholesky per step). One W-operation (W·z or the solve) costs one
  pass over V each way, about one RHS evaluation.
- err: max |y − y_ref| / max |y_ref| at t1, y_ref from scipy DOP853 at rtol 1e-13, atol 1e-15.
The coefficients are checked against the W-method order conditions to order 3 on import.
"""
import json
import sys

import numpy as np
from scipy.integrate import solve_ivp

from flow_scipy import make_batched_rhs

GAMMA = 4.3586652150845900e-1
ALPHA = np.array([[0, 0, 0, 0], [8.7173304301691801e-1, 0, 0, 0], [8.4457060015369423e-1, -1.1299064236484185e-1, 0, 0], [0, 0, 1, 0]])
GAM = np.array([[0, 0, 0, 0], [-8.7173304301691801e-1, 0, 0, 0], [-9.0338057013044082e-1, 5.4180672388095326e-2, 0, 0], [2.4212380706095346e-1, -1.2232505839045147, 5.4526025533510214e-1, 0]])
B = np.array([2.4212380706095346e-1, -1.2232505839045147, 1.5452602553351020, 4.3586652150845900e-1])
BHAT = np.array([3.7810903145819369e-1, -9.6042292212423178e-2, 0.5, 2.1793326075422950e-1])


def check_order_conditions():
    a = ALPHA.sum(1)
    gp = GAM.sum(1)
    res = [
        B.sum() - 1, B @ a - 0.5, B @ gp + GAMMA,
        B @ a**2 - 1 / 3, B @ ALPHA @ a - 1 / 6, B @ ALPHA @ gp + GAMMA / 2, B @ GAM @ a + GAMMA / 2, B @ GAM @ gp - GAMMA**2,
        BHAT.sum() - 1, BHAT @ a - 0.5, BHAT @ gp + GAMMA,
    ]
    worst = max(abs(r) for r in res)
    if worst > 1e-14:
        raise SystemExit(f"ROS34PW2 coefficients fail the W-method order conditions (worst residual {worst:.1e})")


def rosw_gn(rhs, y0, d, n, t0, t1, rtol, atol, h0):
    dn = d * n
    y = y0.copy()
    t = t0
    h = h0
    nfev = wops = acc = rej = 0
    while t < t1:
        V = y[:dn].reshape(d, n)
        a = y[dn:]
        e = np.exp(a - a.max())
        s = e / e.sum()
        Q = V * s[None, :] - np.outer(V @ s, s)  # V·J_σ
        BBt = (s @ s) * np.eye(d) + Q @ Q.T

        def Bv(z):
            return z[:dn].reshape(d, n) @ s + Q @ z[dn:]

        def Btw(w):
            out = np.empty(dn + n)
            out[:dn] = np.outer(w, s).ravel()
            out[dn:] = Q.T @ w
            return out

        rejected = False
        while True:
            hh = min(h, t1 - t)
            c = GAMMA * hh
            L = np.linalg.cholesky(np.eye(d) + c * BBt)
            ks = []
            for i in range(4):
                yi = y + sum(ALPHA[i, j] * ks[j] for j in range(i))
                r = hh * rhs(t, yi)
                nfev += 1
                if i > 0:
                    r = r - hh * Btw(Bv(sum(GAM[i, j] * ks[j] for j in range(i))))
                    wops += 1
                ks.append(r - c * Btw(np.linalg.solve(L.T, np.linalg.solve(L, Bv(r)))))
                wops += 1
            yn = y + sum(B[i] * ks[i] for i in range(4))
            err = sum((B[i] - BHAT[i]) * ks[i] for i in range(4))
            sc = atol + rtol * np.maximum(np.abs(y), np.abs(yn))
            en = float(np.sqrt(np.mean((err / sc) ** 2)))
            if en < 1:
                fac = 10.0 if en == 0 else min(10.0, max(0.2, 0.9 * en ** (-1 / 3)))
                if rejected:
                    fac = min(1.0, fac)
                t += hh
                y = yn
                acc += 1
                h = hh * fac
                break
            rej += 1
            rejected = True
            h = hh * max(0.2, 0.9 * en ** (-1 / 3))
    return y, nfev, wops, acc, rej


def main():
    check_order_conditions()
    job = json.load(sys.stdin)
    out = []
    for case in job["cases"]:
        prob = case["problem"]
        if prob["loss"] != "square" or np.asarray(prob["a"]).ndim != 1:
            raise SystemExit(f"{case['label']}: the prototype covers the square loss with one sample")
        rhs, y0 = make_batched_rhs(prob)
        d = len(prob["V"])
        n = len(prob["V"][0])
        t1 = case["tEnd"]
        ref = solve_ivp(rhs, (0.0, t1), y0, method="DOP853", rtol=1e-13, atol=1e-15).y[:, -1]

        def rel(y):
            return float(np.max(np.abs(y - ref)) / np.max(np.abs(ref)))

        for rtol in job["rtols"]:
            atol = rtol / 100
            full = solve_ivp(rhs, (0.0, t1), y0, method="DOP853", rtol=rtol, atol=atol)
            ts = case["tSwitch"]
            first = solve_ivp(rhs, (0.0, ts), y0, method="DOP853", rtol=rtol, atol=atol)
            h0 = float(first.t[-1] - first.t[-2])
            y, nfev, wops, acc, rej = rosw_gn(rhs, first.y[:, -1], d, n, ts, t1, rtol, atol, h0)
            out.append({
                "label": case["label"],
                "rtol": rtol,
                "dop853": {"nfev": int(full.nfev), "err": rel(full.y[:, -1])},
                "switched": {"tSwitch": ts, "nfev_dop853": int(first.nfev), "steps": acc, "rejected": rej, "nfev": nfev, "wops": wops, "err": rel(y)},
            })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
