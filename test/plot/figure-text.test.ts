/** Mathematical labels: Plotly's <sub>/<sup> as the source form; plain Unicode and HTML captions from it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captionHtml, plainText, rawUnderscores, visibleTexts } from '../../src/plot/figure-text.js';
import { typesettingIssues } from '../../src/plot/figure-check.js';

test('plainText: Unicode sub/superscripts where every character has one, else _x or _{xy}', () => {
  assert.equal(plainText('σ<sub>i</sub>(t)'), 'σᵢ(t)');
  assert.equal(plainText('a<sub>12</sub>'), 'a₁₂');
  assert.equal(plainText('‖P‖<sub>F</sub>'), '‖P‖_F');
  assert.equal(plainText('W<sub>V</sub>'), 'W_V');
  assert.equal(plainText('t<sub>floor</sub>'), 't_{floor}');
  assert.equal(plainText('10<sup>−3</sup>'), '10⁻³');
  assert.equal(plainText('Var<sub>j</sub> z<sub>j</sub>'), 'Varⱼ zⱼ');
  assert.equal(plainText('a &lt; b<br>c'), 'a < b c');
});

test('captionHtml escapes everything but sub/sup/i/b', () => {
  assert.equal(captionHtml('‖P‖<sub>F</sub> < √N & <script>'), '‖P‖<sub>F</sub> &lt; √N &amp; &lt;script&gt;');
});

test('visibleTexts/rawUnderscores find raw underscores in names, axis titles, ticks and annotations', () => {
  const fig = {
    data: [{ name: 'W_V' }, { name: 'hidden_one', showlegend: false }, { name: 'ok<sub>1</sub>' }],
    layout: { title: { text: 'fine' }, xaxis: { title: { text: 'Var_j z_j' } }, yaxis2: { title: 'y', ticktext: ['a_b'] }, annotations: [{ text: 'note_x' }] },
  };
  assert.deepEqual(rawUnderscores(fig), ['trace 0 name: "W_V"', 'xaxis title: "Var_j z_j"', 'yaxis2 tick 0: "a_b"', 'annotation 0: "note_x"']);
  assert.ok(visibleTexts(fig).some((t) => t.text === 'ok<sub>1</sub>'));
  assert.ok(typesettingIssues(fig).some((i) => i.startsWith('raw underscore in trace 0 name')));
});
