/** A report entry for the report-page and gallery tests; `over` replaces any field. */
import type { ReportEntry } from '../../src/plot/report-page.js';

export function reportEntry(over: Partial<ReportEntry>): ReportEntry {
  return {
    id: 'fig2-demo',
    title: 'Demo <sim>',
    paper: 'polarization',
    reproduces: 'Fig. 2',
    theoryIds: ['VS-8'],
    figures: [{ name: 'sigma', title: 'σ(t)', html: 'fig2-demo/sigma.html', svg: 'fig2-demo/sigma.svg' }],
    claims: [{ id: 'VS-8', statement: 'Σa conserved', predicted: 0, measured: 1.2e-13, tolerance: 'abs 1e-10', pass: true }],
    command: 'vsflow sim fig2-demo --quick',
    resultPath: 'fig2-demo/result.json',
    meta: { seed: 123, wallTimeMs: 1500, version: '0.1.0' },
    config: { quick: true },
    cached: false,
    warnings: [],
    ...over,
  };
}
