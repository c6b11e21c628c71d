#!/usr/bin/env python3
"""Reproduces the initial values of the toy experiments in the authors' notebook
(tml-epfl/softmax, visualizations/toy_experiments.ipynb) with numpy's seeded legacy generator
(np.random.seed + randn/rand, the calls and their order as in the notebook) and writes them as
JSON beside this script. The JSON files are the committed data; vsflow never runs Python.

Conventions of vsflow (theory/value-softmax.md): the output is f = V·N(a) with V of shape
(d outputs) x (n logits). Where the notebook multiplies by the transpose (cross-entropy toy:
z = V_nb^T softmax(a)) the file stores V = V_nb^T and says so in its comment.

Run: python3 sims/data/generate_notebook_inits.py   (numpy >= 1.17; written with numpy 2.4)
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def write(name, obj):
    with open(os.path.join(HERE, name), "w") as fh:
        json.dump(obj, fh, indent=1)
        fh.write("\n")


def rows(m):
    return [[float(v) for v in r] for r in np.asarray(m)]


def vec(v):
    return [float(x) for x in np.asarray(v)]


# Fig 2 (cell 2, run_experiment(dim=8, ...)): seed 123; W = 0.1 randn(8, 8); a = 0 randn(8)
# (the 8 draws are consumed); beta = randn(8) / ||.||.
np.random.seed(123)
W = 0.1 * np.random.randn(8, 8)
a = 0 * np.random.randn(8)
beta = np.random.randn(8)
beta = beta / np.linalg.norm(beta)
u0 = W.T @ beta
winner = int(np.argmax(u0))
assert winner == 6, f"fig-2 winner index is {winner}, expected 6 (the winner of the paper's Fig. 2 notebook)"
write("fig2-logistic.json", {
    "loss": "logistic", "V": rows(W), "a": vec(a), "beta": vec(beta),
    "comment": "Fig 2 notebook init: np.random.seed(123); W = 0.1*randn(8,8); a = 0*randn(8); "
               "beta = randn(8)/norm. u(0) = W^T beta; argmax u(0) = 6 (0-based). GD lr 0.1, 1e6 steps.",
})

# Fig 3 (cell 10, run_experiment(dim=20, n_samples=20, condition_number=k)): seed 123 for every k;
# W = 1e-5 randn(20, 20); a = 1e-3 randn(20); X_raw = randn(20, 20) = U S Vt;
# X = U diag(linspace(1, 1/k, 20)) Vt; beta (the target) = randn(20). Loss ||beta - X W s(a)||^2.
for kappa in (1, 5):
    np.random.seed(123)
    W = 0.00001 * np.random.randn(20, 20)
    a = 0.001 * np.random.randn(20)
    X_raw = np.random.randn(20, 20)
    U, S, Vt = np.linalg.svd(X_raw, full_matrices=False)
    X = U @ np.diag(np.linspace(1, 1 / kappa, 20)) @ Vt
    y = np.random.randn(20)
    write(f"fig3-regression-kappa{kappa}.json", {
        "loss": "regression", "V": rows(W), "a": vec(a), "X": rows(X), "y": vec(y),
        "comment": f"Fig 3 notebook init, kappa = {kappa}: np.random.seed(123); W = 1e-5*randn(20,20); "
                   "a = 1e-3*randn(20); X_raw = randn(20,20) = U S Vt; X = U diag(linspace(1, 1/kappa, 20)) Vt; "
                   f"y = randn(20). cond(X) = {np.linalg.cond(X):.6f}. GD lr 1e-3, 3e5 steps (t = 300).",
    })

# Normalisation comparison (cell 5): seed 42; target beta = randn(10)/||.||; every solver re-seeds 42:
# V = 0.1 randn(10, 10) (V_scale = 0.1 in cell 6); a = 1 * (ones(10) + 0.1 randn(10)).
np.random.seed(42)
tb = np.random.randn(10)
tb = tb / np.linalg.norm(tb)
np.random.seed(42)
V = 0.1 * np.random.randn(10, 10)
a = 1.0 * (np.ones(10) + np.random.randn(10) * 0.1)
write("normalizations.json", {
    "V": rows(V), "a": vec(a), "target": vec(tb),
    "square": {"loss": "square", "lr": 0.1, "steps": 5000, "note": "0.5*||V N(a) - target||^2"},
    "logistic": {"loss": "logistic", "lr": 0.5, "steps": 100000, "note": "log(1 + exp(-target^T V N(a)))"},
    "comment": "Normalisation comparison notebook init: np.random.seed(42); target = randn(10)/norm; "
               "np.random.seed(42) again; V = 0.1*randn(10,10); a = ones(10) + 0.1*randn(10). "
               "(V's first row is 0.1 x the un-normalised target: both use the first 10 draws of seed 42.)",
})

# Cross-entropy toy (cells 13-14): seed 123; V_nb = 0.1 randn(d=10, k=10); a = 0 randn(10);
# p* = softmax(10 rand(10)); q = softmax(V_nb^T softmax(a)).
np.random.seed(123)
V_nb = 0.1 * np.random.randn(10, 10)
a = 0 * np.random.randn(10)
p = softmax(10 * np.random.rand(10))
p = p / p.sum()
write("cross-entropy-toy.json", {
    "loss": "cross-entropy", "V": rows(V_nb.T), "a": vec(a), "p": vec(p),
    "comment": "Cross-entropy toy notebook init: np.random.seed(123); V_nb = 0.1*randn(10,10); a = 0*randn(10); "
               "p = softmax(10*rand(10)); vsflow V = V_nb^T (output softmax(V softmax(a))). GD lr 0.1, 1e7 steps.",
})

# Tied-U toy (cell 8): for each D, seed 42; beta = randn(D)/||.||; the solver re-seeds 42, draws
# V = randn(D, D) (unused), then a = ones(D) + 0.1 randn(D); U = I_D. GD lr 0.05, 1e4 steps.
tied = {}
for D in (10, 20, 50, 100):
    np.random.seed(42)
    b = np.random.randn(D)
    b = b / np.linalg.norm(b)
    np.random.seed(42)
    _unused = np.random.randn(D, D)
    a = 1.0 * (np.ones(D) + np.random.randn(D) * 0.1)
    tied[str(D)] = {"a": vec(a), "beta": vec(b)}
write("tied-u.json", {
    "dims": tied, "lr": 0.05, "steps": 10000,
    "comment": "Tied-U toy notebook init: np.random.seed(42); beta = randn(D)/norm; np.random.seed(42); "
               "randn(D, D) consumed (the base solver's unused V); a = ones(D) + 0.1*randn(D); U = I_D.",
})
print("fig-2 winner (0-based):", winner)
