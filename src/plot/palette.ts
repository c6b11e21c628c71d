/**
 * The Okabe–Ito palette: eight colours that stay distinct under the common colour-vision
 * deficiencies (Okabe & Ito 2008). Every vsflow figure draws its series from it, in the order of
 * `LINE_COLORS` (the palette without its pale yellow, plus the variant's grey).
 */

/**
 * The eight Okabe–Ito colours, most distinct first: blue, orange, green, vermillion, reddish
 * purple, sky blue, yellow, black.
 *
 * @example
 * OKABE_ITO[0]; // '#0072B2'
 */
export const OKABE_ITO = Object.freeze(['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'] as const);

/** One Okabe–Ito colour as a hex string. */
export type OkabeItoColor = (typeof OKABE_ITO)[number];

/** Okabe–Ito's yellow: fine for areas, too pale for a line on white (contrast 1.2:1). */
export const PALE_YELLOW = '#F0E442';

/**
 * The line colours: the Okabe–Ito palette with its yellow replaced by the grey of the palette's
 * published nine-colour variant (`#999999`, R's `palette.colors("Okabe-Ito")`), moved last.
 * Yellow lines on white were barely visible in print.
 *
 * @example
 * LINE_COLORS.includes('#F0E442'); // false
 */
export const LINE_COLORS = Object.freeze(['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#999999'] as const);

/** One line colour as a hex string. */
export type LineColor = (typeof LINE_COLORS)[number];

/**
 * Colour of series `i` (0-based): `LINE_COLORS[i mod 8]`. More than eight series repeat colours,
 * so figures with many series should also vary the dash (see `dashFor`).
 *
 * @example
 * seriesColor(1); // '#E69F00'
 * seriesColor(9); // '#E69F00'
 * seriesColor(6); // '#000000' (not the pale yellow)
 */
export function seriesColor(i: number): LineColor {
  const k = ((Math.trunc(i) % LINE_COLORS.length) + LINE_COLORS.length) % LINE_COLORS.length;
  return LINE_COLORS[k]!;
}

/** Plotly dash styles cycled once the eight colours are used up. */
export const DASHES = Object.freeze(['solid', 'dash', 'dot', 'dashdot', 'longdash'] as const);

/**
 * Dash style of series `i`: `solid` for the first eight series, then the next style per block
 * of eight, so series 0 and 8 differ by dash though they share a colour.
 *
 * @example
 * dashFor(3); // 'solid'
 * dashFor(8); // 'dash'
 */
export function dashFor(i: number): (typeof DASHES)[number] {
  const block = Math.floor(Math.max(0, Math.trunc(i)) / OKABE_ITO.length);
  return DASHES[block % DASHES.length]!;
}
