/**
 * Mathematical text in figures. Labels are written in Plotly's pseudo-HTML: `<sub>…</sub>` and
 * `<sup>…</sup>` are typeset by Plotly itself as lowered/raised smaller text in every output
 * (HTML, SVG, PNG, PDF), so `Var<sub>j</sub> z<sub>j</sub>`, `‖P‖<sub>F</sub>` and
 * `W<sub>V</sub>` print as they would in the paper. Unicode sub/superscript characters cover only
 * some letters (there is no subscript F or V), which is why the tags are the source form.
 * This file converts that form for the places that are not Plotly: plain text (CSV series
 * names, Markdown alt text) and HTML captions, and lists a figure's visible text so tests can
 * forbid raw underscores (`Var_j`), which no renderer typesets.
 */
import type { PlotlyFigure } from './figure-types.js';

const SUB: Readonly<Record<string, string>> = Object.freeze({
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉',
  '+': '₊', '−': '₋', '-': '₋', '=': '₌', '(': '₍', ')': '₎',
  a: 'ₐ', e: 'ₑ', h: 'ₕ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', l: 'ₗ', m: 'ₘ', n: 'ₙ', o: 'ₒ', p: 'ₚ', r: 'ᵣ', s: 'ₛ', t: 'ₜ', u: 'ᵤ', v: 'ᵥ', x: 'ₓ',
  β: 'ᵦ', γ: 'ᵧ', ρ: 'ᵨ', φ: 'ᵩ', χ: 'ᵪ',
});
const SUP: Readonly<Record<string, string>> = Object.freeze({
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹',
  '+': '⁺', '−': '⁻', '-': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', i: 'ⁱ', n: 'ⁿ', T: 'ᵀ', '*': '*', '′': '′',
});

function mapAll(text: string, table: Readonly<Record<string, string>>): string | undefined {
  let out = '';
  for (const ch of text) {
    if (ch === ' ') return undefined;
    const m = table[ch];
    if (m === undefined) return undefined;
    out += m;
  }
  return out;
}

/**
 * Plain text of a Plotly label: `<sub>`/`<sup>` become Unicode sub/superscripts where every
 * character has one, else `_x` / `^x` (`_{xy}` for longer runs); other tags are dropped and
 * entities decoded. For CSV series names and alt text, where no typesetting happens.
 *
 * @example
 * plainText('σ<sub>i</sub>(t)');          // 'σᵢ(t)'
 * plainText('‖P‖<sub>F</sub>');           // '‖P‖_F'
 * plainText('10<sup>−3</sup>');           // '10⁻³'
 */
export function plainText(label: string): string {
  const script = (tag: 'sub' | 'sup', inner: string): string => {
    const plain = plainText(inner);
    const mapped = mapAll(plain, tag === 'sub' ? SUB : SUP);
    if (mapped !== undefined) return mapped;
    const mark = tag === 'sub' ? '_' : '^';
    return [...plain].length === 1 ? `${mark}${plain}` : `${mark}{${plain}}`;
  };
  return label
    .replace(/<(sub|sup)>(.*?)<\/\1>/gi, (_m, tag: string, inner: string) => script(tag.toLowerCase() as 'sub' | 'sup', inner))
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * HTML for a caption: the text escaped, then `<sub>`, `<sup>`, `<i>` and `<b>` tags (and only
 * those) let through, so the HTML report and the gallery typeset what the figure typesets.
 *
 * @example
 * captionHtml('‖P‖<sub>F</sub> < √N'); // '‖P‖<sub>F</sub> &lt; √N'
 */
export function captionHtml(label: string): string {
  const escaped = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return escaped.replace(/&lt;(\/?)(sub|sup|i|b)&gt;/g, '<$1$2>');
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') return (value as { text: string }).text;
  return undefined;
}

/**
 * Every piece of text a figure shows: title, axis titles and tick texts, legend entries (trace
 * names, unless hidden from the legend), legend titles, colour-bar titles and annotations.
 * Each entry says where it comes from.
 *
 * @example
 * visibleTexts({ data: [{ name: 'a', x: [], y: [] }], layout: { xaxis: { title: { text: 't' } } } });
 * // [{ where: 'trace 0 name', text: 'a' }, { where: 'xaxis title', text: 't' }]
 */
export function visibleTexts(fig: PlotlyFigure): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const add = (where: string, value: unknown) => {
    const t = textOf(value);
    if (t !== undefined && t !== '') out.push({ where, text: t });
  };
  fig.data.forEach((trace, i) => {
    if (trace.showlegend !== false) add(`trace ${i} name`, trace.name);
    const bar = (trace.colorbar as { title?: unknown } | undefined)?.title;
    add(`trace ${i} colorbar title`, bar);
    if (typeof trace.text === 'string') add(`trace ${i} text`, trace.text);
  });
  const layout = fig.layout;
  add('title', layout.title);
  for (const key of Object.keys(layout).sort()) {
    if (/^[xy]axis\d*$/.test(key)) {
      const ax = layout[key] as { title?: unknown; ticktext?: unknown } | undefined;
      add(`${key} title`, ax?.title);
      if (Array.isArray(ax?.ticktext)) ax!.ticktext.forEach((t, k) => add(`${key} tick ${k}`, t));
    }
    if (/^legend\d*$/.test(key)) add(`${key} title`, (layout[key] as { title?: unknown } | undefined)?.title);
  }
  const annotations = layout.annotations;
  if (Array.isArray(annotations)) annotations.forEach((a, k) => add(`annotation ${k}`, (a as { text?: unknown }).text));
  return out;
}

/**
 * Visible texts with a raw underscore (`Var_j`): no renderer typesets it, write `<sub>j</sub>`.
 *
 * @example
 * rawUnderscores({ data: [{ name: 'W_V' }], layout: {} }); // ['trace 0 name: "W_V"']
 */
export function rawUnderscores(fig: PlotlyFigure): string[] {
  return visibleTexts(fig)
    .filter((t) => t.text.includes('_'))
    .map((t) => `${t.where}: ${JSON.stringify(t.text)}`);
}
