#!/usr/bin/env python3
"""Vectorised numpy peer of `vsflow entropy` (bench/entropy.bench.ts).

Reads a JSON job on stdin: {kinds, sigmas, n, d, trials, seed, bins, repeats}; runs the same
controlled experiment (unit query e1, keys ~ N(0, sigma^2 I) shared over sigma and kinds, per
(kind, sigma) mean/std/s.e. of entropy, logit variance, max P, skewness, entropy histogram),
vectorised over trials in chunks, and prints {ms: [wall ms per repeat], cpuMs: [process CPU ms per repeat], cells: [...]}. Only the
experiment is timed (drawing normals, kinds, metrics, histograms), not the interpreter start-up.
"""
import json
import sys
import time

import numpy as np


def elu1(x):
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def rows(kind, q, K, z):
    if kind == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if kind == "relu-kernel":
        s = np.einsum("d,tnd->tn", np.maximum(q, 0), np.maximum(K, 0))
    elif kind == "elu1-kernel":
        s = np.einsum("d,tnd->tn", elu1(q), elu1(K))
    elif kind == "relu-logit":
        s = np.maximum(z, 0)
    elif kind == "elu1-logit":
        s = elu1(z)
    else:
        raise ValueError(kind)
    tot = s.sum(axis=1, keepdims=True)
    n = s.shape[1]
    return np.where(tot > 0, s / np.where(tot > 0, tot, 1.0), 1.0 / n)


def run(job):
    kinds, sigmas = job["kinds"], job["sigmas"]
    n, d, trials, bins = job["n"], job["d"], job["trials"], job["bins"]
    rng = np.random.default_rng(job["seed"])
    q = np.zeros(d)
    q[0] = 1.0
    logn = np.log(n)
    acc = {(k, s): {m: [0.0, 0.0] for m in ("entropy", "logitVariance", "maxP", "skewness")} for k in kinds for s in sigmas}
    hist = {(k, s): np.zeros(bins) for k in kinds for s in sigmas}
    chunk = 20000
    for start in range(0, trials, chunk):
        t = min(chunk, trials - start)
        G = rng.standard_normal((t, n, d))
        z0 = G @ q
        for s in sigmas:
            z = s * z0
            K = s * G
            lv = z.var(axis=1)
            for k in kinds:
                P = rows(k, q, K, z)
                with np.errstate(divide="ignore", invalid="ignore"):
                    H = -np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0).sum(axis=1)
                mu = P.mean(axis=1, keepdims=True)
                e = P - mu
                m2 = (e * e).mean(axis=1)
                m3 = (e * e * e).mean(axis=1)
                ok = m2 > 1e-30 * mu[:, 0] ** 2
                S = np.where(ok, m3 / np.where(ok, m2, 1.0) ** 1.5, 0.0)
                for name, v in (("entropy", H), ("logitVariance", lv), ("maxP", P.max(axis=1)), ("skewness", S)):
                    a = acc[(k, s)][name]
                    a[0] += v.sum()
                    a[1] += (v * v).sum()
                b = np.minimum((H * (bins / logn)).astype(int), bins - 1)
                hist[(k, s)] += np.bincount(np.maximum(b, 0), minlength=bins)
    cells = []
    for k in kinds:
        for s in sigmas:
            cell = {"kind": k, "sigma": s, "histogram": hist[(k, s)].tolist()}
            for name, (s1, s2) in acc[(k, s)].items():
                m = s1 / trials
                var = max(0.0, (s2 - trials * m * m) / (trials - 1))
                cell[name] = {"mean": m, "se": (var / trials) ** 0.5}
            cells.append(cell)
    return cells


def main():
    job = json.load(sys.stdin)
    times = []
    cpu = []
    cells = None
    for _ in range(job.get("repeats", 3)):
        t0 = time.perf_counter()
        c0 = time.process_time()
        cells = run(job)
        cpu.append((time.process_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
    json.dump({"ms": times, "cpuMs": cpu, "cells": cells, "numpy": np.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
