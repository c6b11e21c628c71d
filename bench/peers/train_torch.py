"""PyTorch CPU peer of bench/train.bench.ts: ms per training step of the same two models.

icl-regression: 3 attention-only layers (width 6, 1 head, softmax without 1/sqrt(d) scaling,
no W_O), tokens [x; y] with x ~ N(0, I_5), N = 20, batch 256, SGD momentum 0.8.
classification: 1 layer, 4 heads, width 64, one-hot embedding (vocab 41), no positions, no MLP,
no LayerNorm, head on the last (CLS) token, 11 tokens, batch 512, AdamW 1e-3.
Prints {"icl": ms, "cls": ms} (median over the timed steps). Usage: train_torch.py [steps].
"""
import json
import os
import sys
import time

import torch

torch.set_num_threads(os.cpu_count() or 1)
STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 40
WARMUP = 3


def attn(x, wq, wk, wv, heads, tau):
    b, n, d = x.shape
    dk = d // heads
    q = (x @ wq).view(b, n, heads, dk).transpose(1, 2)
    k = (x @ wk).view(b, n, heads, dk).transpose(1, 2)
    v = (x @ wv).view(b, n, heads, dk).transpose(1, 2)
    p = torch.softmax(q @ k.transpose(-1, -2) / tau, dim=-1)
    return (p @ v).transpose(1, 2).reshape(b, n, d)


def time_steps(step):
    ts = []
    for i in range(STEPS + WARMUP):
        t0 = time.perf_counter()
        step()
        if i >= WARMUP:
            ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


def icl():
    g = torch.Generator().manual_seed(0)
    ws = [torch.nn.Parameter(0.3 * torch.randn(6, 6, generator=g) / 6 ** 0.5) for _ in range(9)]
    opt = torch.optim.SGD(ws, lr=0.01, momentum=0.8)

    def step():
        w = torch.randn(256, 5, 1)
        x = torch.randn(256, 20, 5)
        y = (x @ w).squeeze(-1)
        z = torch.cat([x, y.unsqueeze(-1)], -1)
        z[:, -1, -1] = 0
        for l in range(3):
            z = z + attn(z, ws[3 * l], ws[3 * l + 1], ws[3 * l + 2], 1, 1.0)
        loss = 0.5 * ((z[:, -1, -1] - y[:, -1]) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    return time_steps(step)


def cls():
    g = torch.Generator().manual_seed(0)
    emb = torch.nn.Parameter(torch.randn(41, 64, generator=g))
    ws = [torch.nn.Parameter(torch.randn(64, 64, generator=g) / 8) for _ in range(3)]
    head = torch.nn.Parameter(torch.randn(64, 4, generator=g) / 8)
    bias = torch.nn.Parameter(torch.zeros(4))
    opt = torch.optim.AdamW([emb, *ws, head, bias], lr=1e-3)

    def step():
        labels = torch.randint(0, 4, (512,))
        toks = torch.argsort(torch.rand(512, 10), -1) + 10 * labels[:, None] + 1
        toks = torch.cat([toks, torch.zeros(512, 1, dtype=torch.long)], -1)
        x = torch.nn.functional.one_hot(toks, 41).float() @ emb
        x = x + attn(x, ws[0], ws[1], ws[2], 4, 4.0)
        loss = torch.nn.functional.cross_entropy(x[:, -1] @ head + bias, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return time_steps(step)


print(json.dumps({"icl": icl(), "cls": cls()}))
