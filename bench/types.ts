/** A benchmark section: what one bench module measured, for the console and docs/benchmarks.md. */
export interface BenchSection {
  readonly title: string;
  /** Markdown body (tables with ratios), without the title. */
  readonly markdown: string;
}

/** Each bench/*.bench.ts default-exports one of these. `quick` shrinks sizes for a smoke run. */
export type BenchModule = (options: { quick: boolean; log: (line: string) => void }) => Promise<BenchSection>;
