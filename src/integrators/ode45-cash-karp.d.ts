/** Types for the untyped `ode45-cash-karp` package (v1.1.0, lib/index.js), only what the adapter uses. */
declare module 'ode45-cash-karp' {
  interface CashKarpOptions {
    tol?: number;
    maxIncreaseFactor?: number;
    maxDecreaseFactor?: number;
    dtMinMag?: number;
    dtMaxMag?: number;
    verbose?: boolean;
    errorScaleFunction?: (i: number, dt: number, y: number, dydt: number) => number;
    errorReduceFunction?: (i: number, accumulated: number, estimate: number) => number;
    errorPostFunction?: (accumulated: number) => number;
  }
  interface CashKarpIntegrator {
    /** The state: the very array passed as y0, integrated in place. */
    y: Float64Array;
    t: number;
    dt: number;
    /** One accepted step (never past tLimit); false once tLimit is reached. */
    step(tLimit?: number): boolean;
    steps(n: number, tLimit?: number): boolean | undefined;
  }
  function ode45(
    y0: Float64Array,
    deriv: (dydt: Float64Array, y: Float64Array, t: number) => void,
    t0: number,
    dt0: number,
    options?: CashKarpOptions,
  ): CashKarpIntegrator;
  export = ode45;
}
