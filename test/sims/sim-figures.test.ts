/**
 * Every figure of every (non-training) sim, quick run: follows the figure conventions (axis
 * titles, palette, no pale yellow line, no raw underscore in any visible text), its paper
 * version meets the print rules (fonts ≥ 7 pt, lines ≥ 1 pt, no baked title, at most a
 * column or full width), and its tidy CSV holds every point. Sim titles and descriptions (shown
 * in the report and the gallery) carry no raw underscore either, training sims included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSim, sims } from '../../sims/index.js';
import { figureIssues, rawUnderscores } from '../../src/plot/index.js';
import { figureCsv } from '../../src/plot/figure-csv.js';
import { PT_PER_PX, paperFigure } from '../../src/plot/paper-style.js';

type Obj = Record<string, any>;

test('sim titles, descriptions and figure titles have no raw underscores (all sims)', () => {
  for (const s of sims) {
    for (const [where, text] of [['title', s.title], ['reproduces', s.reproduces]] as const) {
      assert.ok(!text.includes('_'), `${s.id} ${where}: ${text}`);
    }
  }
});

for (const s of sims.filter((x) => x.heavy !== true)) {
  test(`${s.id}: every figure follows the conventions, prints to spec and writes a complete CSV`, async () => {
    const r = await runSim(s, { quick: true });
    assert.ok(r.figures.length > 0);
    for (const f of r.figures) {
      assert.deepEqual(figureIssues(f.figure), [], `${f.name}: conventions`);
      assert.deepEqual(rawUnderscores(f.figure), [], `${f.name}: raw underscores`);
      assert.ok(!f.title.includes('_'), `${f.name} title ${f.title}: write <sub>…</sub>`);
      const p = paperFigure(f.figure);
      const L = p.layout as Obj;
      assert.equal(L.title, undefined, `${f.name}: no baked title`);
      assert.ok(L.width === 312 || L.width === 648, `${f.name}: width ${L.width}`);
      assert.deepEqual(rawUnderscores(p), [], `${f.name}: paper version, raw underscores (tick labels included)`);
      for (const key of Object.keys(L).filter((k) => /^[xy]axis\d*$/.test(k))) {
        assert.ok(L[key].tickfont.size * PT_PER_PX >= 7, `${f.name} ${key}: tick font`);
        assert.ok(L[key].title.font.size * PT_PER_PX >= 8, `${f.name} ${key}: title font`);
      }
      for (const t of p.data as Obj[]) if (t.line && t.mode !== 'markers') assert.ok(t.line.width * PT_PER_PX >= 1 - 1e-9, `${f.name} ${t.name}: line ${t.line.width * PT_PER_PX} pt`);
      const rows = figureCsv(f.figure, { n: 1 }).trimEnd().split('\n');
      const points = (f.figure.data as Obj[]).filter((t) => t.meta?.legendOnly !== true).reduce((n, t) => n + (Array.isArray(t.z) ? t.z.flat().length : Math.max(t.x?.length ?? 0, t.y?.length ?? 0)), 0);
      assert.equal(rows.length - 1, points, `${f.name}: one CSV row per point`);
    }
  });
}
