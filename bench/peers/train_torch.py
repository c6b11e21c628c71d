"""PyTorch CPU peer of bench/train.bench.ts: the same two models and training steps, timed.

Runs as a server so the benchmark can interleave rounds with the tfjs runs in one process tree:
reads lines "icl STEPS" or "cls STEPS" on stdin, trains a fresh model for 3 warm-up steps plus
STEPS timed steps, and answers one JSON line {"wall": [ms per step...], "cpu": [ms...]}.
"threads" answers the thread count in use. Usage: train_torch.py THREADS (also set
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to THREADS before starting it).

icl: 3 attention-only layers, width 6, 1 head, softmax(q k^T) with tau = 1 (no 1/sqrt(d)), no
W_O, no LayerNorm; tokens [x; y] with x ~ N(0, I_5), y = w.x, the query's y zeroed, N = 20,
batch 256; loss 0.5 mean (prediction - y)^2; SGD momentum 0.8 (lr 0.01, as the bench).
cls: 1 layer, 4 heads, width 64, tau = sqrt(16), learned embedding (vocab 41), no positions,
no MLP, no LayerNorm, no W_O, residual + head [64, 4] on the last (CLS) token, 11 tokens, batch
512; cross-entropy; AdamW lr 1e-3, weight decay 0.01.
Both steps also compute what vsflow's trainer computes every step: the global gradient norm,
the accuracy (cls) and the loss read back as a Python float. Data are drawn every step.
"""
import json
import sys
import time

import torch

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(THREADS)
WARMUP = 3


def attn(x, wq, wk, wv, heads, tau):
    b, n, d = x.shape
    dk = d // heads
    q = (x @ wq).view(b, n, heads, dk).transpose(1, 2)
    k = (x @ wk).view(b, n, heads, dk).transpose(1, 2)
    v = (x @ wv).view(b, n, heads, dk).transpose(1, 2)
    p = torch.softmax(q @ k.transpose(-1, -2) / tau, dim=-1)
    return (p @ v).transpose(1, 2).reshape(b, n, d)


def grad_norm(params):
    return torch.sqrt(sum((p.grad * p.grad).sum() for p in params)).item()


def time_steps(step, steps):
    wall, cpu = [], []
    for i in range(steps + WARMUP):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        t1, c1 = time.perf_counter(), time.process_time()
        if i >= WARMUP:
            wall.append((t1 - t0) * 1e3)
            cpu.append((c1 - c0) * 1e3)
    return {"wall": wall, "cpu": cpu}


def icl(steps):
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
        grad_norm(ws)
        opt.step()
        loss.item()

    return time_steps(step, steps)


def cls(steps):
    g = torch.Generator().manual_seed(0)
    emb = torch.nn.Parameter(torch.randn(41, 64, generator=g))
    ws = [torch.nn.Parameter(torch.randn(64, 64, generator=g) / 8) for _ in range(3)]
    head = torch.nn.Parameter(torch.randn(64, 4, generator=g) / 8)
    bias = torch.nn.Parameter(torch.zeros(4))
    params = [emb, *ws, head, bias]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)

    def step():
        labels = torch.randint(0, 4, (512,))
        toks = torch.argsort(torch.rand(512, 10), -1) + 10 * labels[:, None] + 1
        toks = torch.cat([toks, torch.zeros(512, 1, dtype=torch.long)], -1)
        x = torch.nn.functional.embedding(toks, emb)
        x = x[:, -1] + attn(x, ws[0], ws[1], ws[2], 4, 4.0)[:, -1]
        logits = x @ head + bias
        loss = torch.nn.functional.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        grad_norm(params)
        opt.step()
        (logits.argmax(-1) == labels).float().mean().item()
        loss.item()

    return time_steps(step, steps)


for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    if parts[0] == "threads":
        out = {"threads": torch.get_num_threads(), "torch": torch.__version__}
    else:
        out = (icl if parts[0] == "icl" else cls)(int(parts[1]))
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
