/**
 * One-layer CLS classifier (gradient-flow-polarizes-softmax paper, Fig. 5; theory A.6, T-3 in
 * theory/training-predictions.md): 4 labels, each owning 10 tokens, a sample is a permutation of
 * its label's tokens with CLS last; the CLS row of attention concentrates on a single token as
 * training goes on. Quick run: width 64, batch 128, 200 steps, 1 seed (claims inconclusive by
 * design); `--scale medium`: the paper's sizes (width 128, batch 256, 400 steps) over 10 seeds.
 */
import type { TrainManyResult } from '../src/train/index.js';
import type { Claim } from '../src/core/claim.js';
import { figure, horizontalLine, legendKey, lineTrace } from '../src/plot/index.js';
import type { SimDefinition, SimResult } from './types.js';
import { heatmapFigure, runTrainSim, trainSimResult, type TrainSimSpec, trainParameters } from './_train.js';
import { meanClaim } from './_train-claims.js';

/** The runs of this sim. */
export const SPEC: TrainSimSpec = { id: 'train-classification-cls', task: 'classification', variants: ['softmax'], seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], quickSeeds: [0], mediumSeeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };

/** Mean over the label probes of the largest CLS weight, from a record's CLS rows. */
function concentration(rows: readonly (readonly number[])[] | undefined): number {
  return rows === undefined || rows.length === 0 ? NaN : rows.reduce((s, row) => s + Math.max(...row), 0) / rows.length;
}

/** Claims T-3 (pure; verdicts over seeds with a 95 % t interval). */
export function clsClaims(r: TrainManyResult): Claim[] {
  const runs = r.runs.filter((x) => x.summary.attention === 'softmax');
  const start = runs.map((run) => concentration(run.records?.find((x) => x.clsRows !== undefined)?.clsRows));
  const end = runs.map((run) => run.summary.clsConcentration ?? NaN);
  const acc = runs.map((run) => run.summary.finalAccuracy ?? NaN);
  const from = start.filter(Number.isFinite);
  const fromText = from.length > 0 ? `from ${(from.reduce((a, b) => a + b, 0) / from.length).toFixed(3)} at step 0` : 'no step-0 record';
  return [
    meanClaim({ id: 'T-3', statement: 'the CLS attention row concentrates on one token: mean largest weight of the CLS row (one probe per label) > 0.9 at the end', predicted: '> 0.9' }, end, 0.9, 'above', '', fromText),
    meanClaim({ id: 'T-3b', statement: 'the classifier solves the task (held-out accuracy)', predicted: '> 0.95' }, acc, 0.95, 'above', ''),
  ];
}

const sim: SimDefinition = {
  id: SPEC.id,
  title: 'Training: the CLS attention row concentrates on one token',
  paper: 'polarization',
  reproduces: 'Fig. 5: per-step CLS attention rows of a one-layer classifier become one-hot',
  heavy: true,
  parameters: trainParameters(SPEC),
  theoryIds: ['T-3'],
  async run(ctx): Promise<SimResult> {
    const r = await runTrainSim(SPEC, ctx);
    return trainSimResult(SPEC.id, r, ctx.quick, clsClaims(r));
  },
  figures(result) {
    const r = result.data as TrainManyResult;
    // Figures show the first seed (the paper's Fig. 5 shows one run).
    const run = r.runs[0]!;
    const recs = (run.records ?? []).filter((x) => x.clsRows !== undefined);
    const n = recs[0]?.clsRows?.[0]?.length ?? 11;
    const out = [];
    for (let label = 0; label < (recs[0]?.clsRows?.length ?? 0); label++) {
      const steps = recs.map((x) => x.step + 1);
      const data: Record<string, unknown>[] = [];
      // The token that wins (largest final weight) in colour, the other tokens grey under one
      // legend key (10 interchangeable positions in 8 colours repeated colours and took the figure).
      const last = recs.at(-1)?.clsRows?.[label] ?? [];
      let win = 0;
      for (let j = 1; j < n - 1; j++) if ((last[j] ?? -Infinity) > (last[win] ?? -Infinity)) win = j;
      for (let j = 0; j < n - 1; j++) {
        if (j === win) continue;
        data.push(lineTrace({ name: `token position ${j}`, x: steps, y: recs.map((x) => x.clsRows![label]![j]!), color: '#999999', width: 1.5, showlegend: false, legendgroup: 'others' }));
      }
      data.push(legendKey('other tokens', 'solid', '#999999'));
      data.push(lineTrace({ name: `token position ${win} (largest at the end)`, x: steps, y: recs.map((x) => x.clsRows![label]![win]!), index: 0 }));
      data.push(lineTrace({ name: 'CLS itself', x: steps, y: recs.map((x) => x.clsRows![label]![n - 1]!), color: '#000000', dash: 'dot' }));
      data.push(horizontalLine(1 / n, [1, steps.at(-1) ?? 1], { name: 'uniform 1/N' }));
      out.push({ name: `cls-row-label-${label}`, title: `CLS attention row, probe of label ${label}`, figure: figure({ title: `CLS attention weights per step (probe sample of label ${label})`, x: { title: 'training step', log: true }, y: { title: 'attention weight' }, data }) });
    }
    const map = run.attentionMaps[0]?.[0];
    if (map !== undefined) out.push(heatmapFigure('attention-final', 'Final attention matrix (label-0 probe)', map, n));
    return out;
  },
};

export default sim;
