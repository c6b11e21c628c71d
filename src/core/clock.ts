/**
 * Milliseconds from an arbitrary origin, for wall times (differences only): `process.hrtime`
 * where it exists (Node), else `performance.now()` (browsers). In Node the global `performance`
 * is made on first use by loading perf_hooks, ≈ 0.7–1 ms per thread measured on Node 20 (a
 * fresh `vsflow simulate` paid it inside its first solve); hrtime needs no module. No import of
 * a Node built-in, so `vsflow/core` stays browser-safe.
 *
 * @example
 * const t0 = nowMs();
 * // ... work ...
 * const wallTimeMs = nowMs() - t0;
 */
const hrtime = (globalThis as { process?: { hrtime?: { bigint?: () => bigint } } }).process?.hrtime?.bigint;

/** The current time in milliseconds (see the module doc); only differences are meaningful. */
export const nowMs: () => number = typeof hrtime === 'function' ? () => Number(hrtime()) / 1e6 : () => performance.now();
