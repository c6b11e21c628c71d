#!/usr/bin/env python3
"""Peer for bench/flow.bench.ts: the Fig-2 gradient-descent loop in numpy, written the way the
authors' notebook (tml-epfl/softmax, toy_experiments.ipynb) runs it: hand-written gradients of
the one-sample logistic loss log(1 + exp(−βᵀWσ(a))), full-batch GD with step lr, log-spaced
records. Problem: numpy seed 123, W = 0.1·randn(8, 8), a = 0·randn(8), β = randn(8)/‖·‖.
Reads {steps, lr, records, repeats} on stdin; prints {problem, times_s, cpu_s (process_time), W_end, a_end, saved}.
"""
import json
import sys
import time

import numpy as np


def fig2_problem(d=8, n=8):
    np.random.seed(123)
    W = 0.1 * np.random.randn(d, n)
    a = 0.0 * np.random.randn(n)
    beta = np.random.randn(d)
    beta /= np.linalg.norm(beta)
    return W, a, beta


def run(W, a, beta, steps, lr, record_at):
    W = W.copy()
    a = a.copy()
    saved = []
    r = 0
    for k in range(1, steps + 1):
        e = np.exp(a - a.max())
        s = e / e.sum()
        z = beta @ (W @ s)
        c = -1.0 / (1.0 + np.exp(z))  # dℓ/dz = −sigmoid(−z)
        g = c * beta
        w = W.T @ g
        W = W - lr * np.outer(g, s)
        a = a - lr * s * (w - s @ w)
        if r < len(record_at) and k == record_at[r]:
            saved.append(a.copy())
            r += 1
    return W, a, saved


def main():
    job = json.load(sys.stdin)
    W0, a0, beta = fig2_problem()
    record_at = sorted(set(int(round(x)) for x in np.logspace(0, np.log10(job["steps"]), job["records"])))
    times = []
    cpu = []
    for _ in range(job["repeats"]):
        c0 = time.process_time()
        t0 = time.perf_counter()
        W, a, saved = run(W0, a0, beta, job["steps"], job["lr"], record_at)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    problem = {"loss": "logistic", "V": W0.tolist(), "a": a0.tolist(), "beta": beta.tolist(), "comment": "Fig 2: numpy seed 123"}
    json.dump({"problem": problem, "times_s": times, "cpu_s": cpu, "W_end": W.tolist(), "a_end": a.tolist(), "record_steps": record_at}, sys.stdout)


if __name__ == "__main__":
    main()
