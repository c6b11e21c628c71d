#!/usr/bin/env python3
"""Independent check of the eq. 9 counterexamples in this folder (python3 verify.py).

For each file: rebuild A = softmax(c X W_Q W_K^T X^T) X W_V, its Jacobian DA_X and DZ_X by the
complex-step method (no analytic formula shared with vsflow), LHS = ||DA_X||_2 by
np.linalg.norm, and the largest value the RHS of eq. 9 can take under the file's reading:
||P||_F + sqrt(2) ||X||_(2,inf) * sqrt(B) ||DZ_X||_2 (B = number of rows or columns of X; the
mixed norm ||DZ_X||_{F,(2,inf)} is at most sqrt(B) times the spectral norm). LHS > that value
proves the bound false for this layer. Exit status 1 if any file is not a counterexample.
"""
import glob
import json
import os
import sys

import numpy as np


def layer(X, WQ, WK, WV, c):
    Z = c * X @ WQ @ WK.T @ X.T
    E = np.exp(Z - Z.real.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    return P @ X @ WV, Z, P


def main():
    ok = True
    for path in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "eq9-*.json"))):
        ce = json.load(open(path))["counterexample"]
        X, WQ, WK, WV = (np.array(ce[k], dtype=float) for k in ("X", "WQ", "WK", "WV"))
        N, D = X.shape
        c = 1 / np.sqrt(D) if ce["scaled"] else 1.0
        JA = np.zeros((N * D, N * D))
        JZ = np.zeros((N * N, N * D))
        h = 1e-30
        for col in range(N * D):
            Xc = X.astype(complex)
            Xc.flat[col] += 1j * h
            A, Z, _ = layer(Xc, WQ, WK, WV, c)
            JA[:, col] = A.imag.ravel() / h
            JZ[:, col] = Z.imag.ravel() / h
        _, _, P = layer(X, WQ, WK, WV, c)
        lhs = np.linalg.norm(JA, 2)
        if ce["reading"] == "row":
            norm_x, blocks = np.linalg.norm(X, axis=1).max(), N
        else:
            norm_x, blocks = np.linalg.norm(X, axis=0).max(), D
        rhs_max = np.linalg.norm(P) + np.sqrt(2) * norm_x * np.sqrt(blocks) * np.linalg.norm(JZ, 2)
        verdict = "FAILS (counterexample confirmed)" if lhs > rhs_max else "not a counterexample"
        ok &= lhs > rhs_max
        print(f"{os.path.basename(path)}: ||DA_X|| = {lhs:.6g}, largest possible RHS = {rhs_max:.6g}, ||W_V||_2 = {np.linalg.norm(WV, 2):.4g}: eq. 9 {verdict}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
