/**
 * A tiny sim for the plot/CLI tests (not in sims/, so `vsflow reproduce` never runs it):
 * closed form VS-11, square loss with frozen logits: f(t) − y = e^{−‖σ‖²t}(f₀ − y), so the loss
 * L = ½(f − y)² decays like e^{−2‖σ‖²t}. The claim compares the fitted decay rate with 2‖σ‖².
 * `failing: true` builds a variant whose claim predicts the wrong rate (exit-code tests);
 * `inconclusive: true` adds a claim over seeds whose interval straddles its threshold.
 */
import { runMeta } from '../../src/core/run-meta.js';
import { figure, horizontalLine, lineTrace } from '../../src/plot/index.js';
import type { SimDefinition, SimResult } from '../../sims/types.js';

export function demoSim(options: { id?: string; failing?: boolean; inconclusive?: boolean; runs?: { count: number } } = {}): SimDefinition {
  const id = options.id ?? 'demo-decay';
  return {
    id,
    title: 'Demo: exponential loss decay with frozen logits',
    paper: 'polarization',
    reproduces: 'VS-11 closed form (test fixture)',
    theoryIds: ['VS-11'],
    async run(ctx): Promise<SimResult> {
      if (options.runs) options.runs.count++;
      const t0 = performance.now();
      const n = ctx.quick ? 200 : 2000;
      const sigma2 = 0.3; // ‖σ‖² for σ = (0.5, 0.1, 0.1, 0.1, 0.1, 0.1): 0.25 + 5·0.01
      const f0MinusY = 1;
      const t: number[] = [];
      const loss: number[] = [];
      for (let i = 0; i < n; i++) {
        const ti = 10 ** (-2 + (3 * i) / (n - 1));
        t.push(ti);
        loss.push(0.5 * (Math.exp(-sigma2 * ti) * f0MinusY) ** 2);
        ctx.onProgress?.(i / n);
      }
      // Rate from the last two points: −d ln L / dt.
      const rate = -(Math.log(loss[n - 1]!) - Math.log(loss[n - 2]!)) / (t[n - 1]! - t[n - 2]!);
      const predicted = options.failing ? 3 * sigma2 : 2 * sigma2;
      return {
        sim: id,
        config: { quick: ctx.quick, n, sigma2, seed: ctx.seed ?? 0 },
        meta: runMeta({ seed: ctx.seed ?? 0, wallTimeMs: performance.now() - t0 }),
        data: { t, loss },
        claims: [
          { id: 'VS-11', statement: 'loss decay rate −d ln L/dt = 2‖σ‖²', predicted, measured: rate, tolerance: 'rel 1e-9', pass: Math.abs(rate - predicted) <= 1e-9 * predicted, range: 't ∈ [1e-2, 10]' },
          ...(options.inconclusive
            ? [{ id: 'VS-11', statement: 'over seeds: the rate exceeds 0.5', predicted: '> 0.5', measured: 'mean 0.6', tolerance: 't 95 % above 0.5', pass: false, status: 'inconclusive' as const, seeds: 3, interval: [0.4, 0.8] as [number, number], confidence: 0.95 }]
            : []),
        ],
      };
    },
    figures(result) {
      const d = result.data as { t: number[]; loss: number[] };
      return [
        {
          name: 'loss',
          title: 'Loss decay with frozen logits',
          figure: figure({
            title: 'Square loss, frozen logits: L(t) = ½ e<sup>−2‖σ‖²t</sup>',
            x: { title: 't', unit: 'gradient-flow time', log: true },
            y: { title: 'loss L', log: true },
            data: [lineTrace({ name: 'L(t)', x: d.t, y: d.loss, index: 0 }), horizontalLine(0.5, [d.t[0]!, d.t[d.t.length - 1]!], { name: 'L(0) = ½' })],
          }),
        },
        {
          name: 'log-loss',
          title: 'ln L, linear axes',
          figure: figure({
            title: 'ln L(t) is linear in t',
            x: { title: 't', unit: 'gradient-flow time' },
            y: { title: 'ln L' },
            data: [lineTrace({ name: 'ln L', x: d.t, y: d.loss.map(Math.log), index: 1 })],
          }),
        },
      ];
    },
  };
}
