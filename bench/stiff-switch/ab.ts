/**
 * The stiff switch measured: vsflow's own dop853 (the low-rank stepper) handing over to
 * the Rosenbrock-W method ROS34PW2 with the Gauss–Newton W where its steps are held at the
 * stability boundary (src/integrators/stiff-switch.ts, rosenbrock-w.ts, src/models/gauss-newton.ts; the
 * TypeScript form of bench/peers/stiff_switch.py, with an automatic switch instead of a fixed
 * t = 50), against `simulate` with dop853, in process (src/ through tsx), warm.
 *
 * Per case and rtol: RHS evaluations, wall ms (median of `rounds` after 3 warm-up runs), final
 * state error against dop853 at rtol 1e-13 (full formulation), the switch times; and for the last
 * round of the switched run where its time goes (the dop853 steps, the switch's stiffness tests,
 * W's construction, solves and products, the Rosenbrock RHS evaluations).
 *
 * Also `simulate(…, { method: 'dop853-stiff' })`, the shipped path.
 *
 * Usage: `npx tsx bench/stiff-switch/ab.ts [--rounds 5]`. Square loss, randomProblem seed 1,
 * vScale 0.1, aScale 0.5, t = 1000 (the flow benchmark's problems) and one K = 3 case.
 */
import { randomProblem } from '../../src/models/random-problem.js';
import { resolveProblem, type Problem } from '../../src/models/problem.js';
import { valueSoftmaxRhs } from '../../src/models/value-softmax.js';
import { lowRankStepper } from '../../src/integrators/low-rank-stages.js';
import { drive } from '../../src/integrators/driver.js';
import { initialStep } from '../../src/integrators/step-control.js';
import { simulate, type SimulateResult } from '../../src/experiments/simulate.js';
import { StiffSwitchStepper, type ExplicitPhase } from '../../src/integrators/stiff-switch.js';
import { gaussNewtonSquare } from '../../src/models/gauss-newton.js';
import { gaussNewtonSquareWasm } from '../../src/models/gauss-newton-wasm.js';
import type { WOperator } from '../../src/integrators/rosenbrock-w.js';
import { arg, median, relErr, stateOf } from '../stats.js';

const ROUNDS = Number(arg('rounds', '5'));
const T_END = 1000;

function switched(P: Problem, rtol: number, time: Record<string, number> | undefined, kernels: boolean): { y: Float64Array; rhs: number; status: string; switches: string } {
  const atol = rtol / 100;
  const flow = valueSoftmaxRhs(P);
  const N = flow.y0.length;
  const atolA = new Float64Array(N).fill(atol);
  const f0 = new Float64Array(N);
  flow.rhs(0, flow.y0, f0);
  const dt0 = initialStep(flow.rhs, 0, flow.y0, f0, T_END, Infinity, 7, rtol, atolA, new Float64Array(N), new Float64Array(N));
  const timed = <F extends (...a: never[]) => unknown>(name: string, f: F): F =>
    (time === undefined
      ? f
      : (((...a: never[]) => {
          const t0 = performance.now();
          const r = f(...a);
          time[name] = (time[name] ?? 0) + performance.now() - t0;
          return r;
        }) as F));
  const explicit = (t: number, y: Float64Array, h0: number): ExplicitPhase => {
    const { stepper, stages } = lowRankStepper(P, t, y, { method: 'dop853', rtol, atol: atolA, dt0: h0, dtMax: Infinity });
    const step = stepper.step.bind(stepper);
    stepper.step = timed('dop853 steps', step);
    return { stepper, rhsEvals: () => stages.rhsEvals, release: () => stepper.release() };
  };
  const Wk = kernels ? gaussNewtonSquareWasm(P) : undefined;
  if (kernels && Wk === undefined) throw new Error('the WebAssembly kernels are unavailable');
  const W0 = Wk ?? gaussNewtonSquare(P);
  const W: WOperator = { prepare: timed('W: build (Gram, d²n)', W0.prepare), apply: timed('W: products', W0.apply), factor: timed('W: factor', W0.factor), solve: timed('W: solves', W0.solve), rho: W0.rho, stiffness: timed('switch tests', W0.stiffness) };
  const sw = new StiffSwitchStepper(explicit(0, flow.y0, dt0), explicit, timed('Rosenbrock RHS', flow.rhs), W, rtol, atolA);
  const sol = drive(sw, { method: 'dop853', t0: 0, tEnd: T_END, saveTimes: Float64Array.from([0, T_END]), events: [], dense: false, maxSteps: 1e7, stallSteps: 20000, onStep: undefined, signal: undefined, rhsEvals: () => sw.rhsEvals, startMs: performance.now() });
  sw.release();
  Wk?.release();
  return { y: sol.yEnd, rhs: sol.stats.rhsEvals, status: sol.status, switches: sw.switches.map((s) => `${s.to} at ${s.t.toFixed(0)}`).join(', ') };
}

const rows: string[] = [];
const splits: string[] = [];
for (const [d, n, K] of [[16, 64, 1], [64, 512, 1], [16, 64, 3]] as const) {
  const spec = randomProblem({ loss: 'square', d, n, samples: K, seed: 1, vScale: 0.1, aScale: 0.5 });
  const P = resolveProblem(spec);
  const ref = stateOf(simulate(spec, { method: 'dop853', rtol: 1e-13, atol: 1e-15, tEnd: T_END, saveAt: [0, T_END], formulation: 'full' }));
  for (const rtol of [1e-6, 1e-8, 1e-10]) {
    const o = { method: 'dop853' as const, rtol, atol: rtol / 100, tEnd: T_END, saveAt: [0, T_END] };
    for (let i = 0; i < 3; i++) {
      simulate(spec, o);
      switched(P, rtol, undefined, false);
      switched(P, rtol, undefined, true);
      simulate(spec, { ...o, method: 'dop853-stiff' });
    }
    const tb: number[] = [];
    const ts: number[] = [];
    const tk: number[] = [];
    const tm: number[] = [];
    let shipped: SimulateResult | undefined;
    let base: SimulateResult | undefined;
    let sw: ReturnType<typeof switched> | undefined;
    let swk: ReturnType<typeof switched> | undefined;
    const time: Record<string, number> = {};
    const timeK: Record<string, number> = {};
    for (let r = 0; r < ROUNDS; r++) {
      let t0 = performance.now();
      base = simulate(spec, o);
      tb.push(performance.now() - t0);
      for (const k of Object.keys(time)) delete time[k];
      t0 = performance.now();
      sw = switched(P, rtol, r === ROUNDS - 1 ? time : undefined, false);
      ts.push(performance.now() - t0);
      for (const k of Object.keys(timeK)) delete timeK[k];
      t0 = performance.now();
      swk = switched(P, rtol, r === ROUNDS - 1 ? timeK : undefined, true);
      tk.push(performance.now() - t0);
      t0 = performance.now();
      shipped = simulate(spec, { ...o, method: 'dop853-stiff' });
      tm.push(performance.now() - t0);
    }
    const label = `square ${d}×${n}${K > 1 ? ` K=${K}` : ''}`;
    rows.push(`| ${label} | ${rtol.toExponential(0)} | ${base!.stats.rhsEvals} | ${median(tb).toFixed(2)} | ${relErr(stateOf(base!), ref).toExponential(1)} | ${sw!.rhs} | ${median(ts).toFixed(2)} | ${relErr(sw!.y, ref).toExponential(1)} | ${swk!.rhs} | ${median(tk).toFixed(2)} | ${relErr(swk!.y, ref).toExponential(1)} | ${swk!.switches} | ${shipped!.stats.rhsEvals} | ${median(tm).toFixed(2)} | ${relErr(stateOf(shipped!), ref).toExponential(1)} |`);
    splits.push(`| ${label} | ${rtol.toExponential(0)} | ${Object.entries(time).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('; ')} | ${Object.entries(timeK).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('; ')} |`);
  }
}
process.stdout.write(
  [
    `Stiff switch (\`npx tsx bench/stiff-switch/ab.ts\`), ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, src/ through tsx, ${ROUNDS} rounds (wall ms, median).`,
    '',
    'Switched: the switch with W in plain TypeScript loops (gauss-newton.ts); switched, kernels: W\'s passes over V in the WebAssembly kernels (gauss-newton-wasm.ts), switch times of that run; simulate: `simulate(…, { method: \'dop853-stiff\' })`, the shipped path (the kernels\' W; its wall time includes simulate\'s setup and records, as dop853\'s column does).',
    '',
    '| case | rtol | dop853 RHS | dop853 ms | dop853 error | switched RHS | switched ms | switched error | switched, kernels: RHS | ms | error | switches | simulate dop853-stiff: RHS | ms | error |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
    ...rows,
    '',
    'Where the switched run\'s time goes (last round, ms; the dop853 steps include their kernels):',
    '',
    '| case | rtol | switched | switched, kernels |',
    '|---|---:|---|---|',
    ...splits,
    '',
  ].join('\n'),
);
