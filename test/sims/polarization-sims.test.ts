/**
 * The six polarisation sims, quick versions: each runs, every claim passes, the result carries
 * config and meta, and the figures have the expected names and trace counts, with
 * `line.simplify: false` on every line trace (so slow log-time dynamics are drawn faithfully).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSim } from '../../sims/registry.js';

const expected: Record<string, Record<string, number>> = {
  // fig2: 8 σ_i flow + 8 GD + 1/n line; 8 u flow + 8 GD; t·L + reference.
  // The two-panel Fig. 2 holds both panels' traces.
  'fig2-logistic-polarization': { fig2: 33, 'sigma-loglog': 17, 'u-semilogx': 16, tl: 2 },
  // fig3: 20 logits per κ (the GD overlay only in the full run).
  'fig3-regression-conditioning': { fig3: 40, 'logits-kappa1': 20, 'logits-kappa5': 20 },
  // tied U, quick D = 10, 20: loss 2; winner column 2 + 2 + reference; α for D = 10.
  'tied-u-massive-activations': { loss: 2, 'winner-column': 5, alpha: 10 },
  // two samples: 8 σ_i + uniform line each.
  'two-sample-classification': { 'sigma-sample1': 9, 'sigma-sample2': 9 },
  // cross-entropy: excess + t_floor; entropy + log n + t_floor; 10 logits.
  'cross-entropy-toy': { 'loss-excess': 2, entropy: 3, logits: 10 },
  // normalisations: 6 kinds + uniform line; 10 softmax weights; per loss.
  normalizations: { 'max-alpha-square': 7, 'softmax-alpha-square': 10, 'max-alpha-logistic': 7, 'softmax-alpha-logistic': 10 },
};

for (const [id, figs] of Object.entries(expected)) {
  test(`${id} --quick: claims pass, figures and traces`, async () => {
    const sim = await findSim(id);
    assert.ok(sim, `sim ${id} not registered`);
    assert.equal(sim.paper, 'polarization');
    const result = await sim.run({ quick: true, seed: undefined });
    assert.equal(result.sim, id);
    assert.equal(result.config.quick, true);
    assert.equal(result.meta.precision, 'float64');
    assert.ok(result.claims.length >= 3);
    for (const c of result.claims) assert.equal(c.pass, true, `${c.id} ${c.statement}: predicted ${String(c.predicted)}, measured ${String(c.measured)} (${c.tolerance})`);
    const figures = sim.figures(JSON.parse(JSON.stringify(result)) as typeof result);
    assert.deepEqual(figures.map((f) => f.name), Object.keys(figs));
    for (const f of figures) {
      assert.equal(f.figure.data.length, figs[f.name], `${f.name} trace count`);
      for (const tr of f.figure.data) {
        const line = tr.line as { simplify?: boolean } | undefined;
        assert.equal(line?.simplify, false, `${f.name}: ${String(tr.name)}`);
      }
      const layout = f.figure.layout as { xaxis: { title: { text: string } }; yaxis: { title: { text: string } } };
      assert.ok(layout.xaxis.title.text.length > 0 && layout.yaxis.title.text.length > 0, `${f.name}: axis titles`);
    }
  });
}
