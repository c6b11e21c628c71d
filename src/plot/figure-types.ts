/**
 * A Plotly figure as plain JSON (`{data, layout}`): what every figure builder returns.
 * Kept structural (not Plotly's own types) so builders stay pure and the library needs no DOM.
 */
export interface PlotlyFigure {
  readonly data: readonly Record<string, unknown>[];
  readonly layout: Record<string, unknown>;
}

/** A figure with a file-friendly name and a human title. */
export interface NamedFigure {
  /** File stem, e.g. `sigma-loglog` (no extension, [a-z0-9-] only). */
  readonly name: string;
  readonly title: string;
  readonly figure: PlotlyFigure;
}
