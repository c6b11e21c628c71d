/**
 * User-defined margin losses h(z) given as expressions (theory: VS-LOG generalised): the problem
 * field `lossExpr` (CLI `--loss-expr`) replaces the logistic loss log(1 + exp(−z)) by h(z), with
 * the same margin z = y·βᵀf (β and the labels y = ±1 from the problem), so
 *   ℓ_k = h(z_k),   g_k = ∇_f ℓ_k = h′(z_k)·y_k·β.
 * `'log(1 + exp(-z))'` gives back the built-in logistic loss; `'exp(-z)'` is the exponential
 * loss, `'(1 - z)^2'` the square margin loss.
 *
 * The expression is parsed and differentiated symbolically with mathjs (`parse`, `derivative`),
 * once; both trees are then compiled into plain closures over numbers (no mathjs, no scope
 * objects in the flow), with two stable rewrites: log(1 + u) → log1p(u) and the sum order kept
 * as written. mathjs (its number build) is loaded on first use only: it takes ~1 s to import,
 * which every `import 'vsflow'` would otherwise pay. In Node it is required through
 * `process.getBuiltinModule('node:module')` (Node ≥ 20.16); elsewhere (browsers, older Node)
 * call `useMathjs(await import('mathjs/number'))` first.
 */
import { BackendError, OptionError } from '../core/errors.js';

/** A compiled loss expression: h and h′ as closures, and their source forms. */
export interface LossExpression {
  /** The expression as given. */
  readonly source: string;
  /** h′(z) as mathjs prints it (after its simplification). */
  readonly derivative: string;
  readonly h: (z: number) => number;
  readonly dh: (z: number) => number;
}

/** The part of mathjs used here (its `mathjs/number` build has both). */
export interface MathjsLike {
  parse(expr: string): MathNode;
  derivative(expr: MathNode, variable: string): MathNode;
}

/** The mathjs expression-tree node fields read by the compiler. */
interface MathNode {
  readonly type: string;
  readonly value?: unknown;
  readonly name?: string;
  readonly fn?: string | { readonly name: string };
  readonly op?: string;
  readonly args?: readonly MathNode[];
  readonly content?: MathNode;
  toString(): string;
}

/** Functions an expression may use (one argument each), with their closures. */
export const LOSS_EXPR_FUNCTIONS: Readonly<Record<string, (x: number) => number>> = Object.freeze({
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: Math.sign,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  // What mathjs's derivative emits for tan/tanh and friends.
  sec: (x: number) => 1 / Math.cos(x),
  csc: (x: number) => 1 / Math.sin(x),
  cot: (x: number) => 1 / Math.tan(x),
  sech: (x: number) => 1 / Math.cosh(x),
  csch: (x: number) => 1 / Math.sinh(x),
  coth: (x: number) => 1 / Math.tanh(x),
});

const CONSTANTS: Readonly<Record<string, number>> = Object.freeze({ pi: Math.PI, e: Math.E });
const EXAMPLE = "an expression in z such as 'log(1 + exp(-z))'";

let mathjs: MathjsLike | undefined;

/** Supplies mathjs (for browsers and Node < 20.16, where it cannot be loaded synchronously). */
export function useMathjs(math: MathjsLike): void {
  mathjs = math;
}

function loadMathjs(): MathjsLike {
  if (mathjs !== undefined) return mathjs;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as { createRequire(url: string): (id: string) => unknown } | undefined;
  if (mod === undefined) throw new BackendError("lossExpr: mathjs is not loaded: call useMathjs(await import('mathjs/number')) first (browsers, Node < 20.16)");
  mathjs = mod.createRequire(import.meta.url)('mathjs/number') as MathjsLike;
  return mathjs;
}

type Fn = (z: number) => number;

const fnName = (node: MathNode): string => (typeof node.fn === 'string' ? node.fn : (node.fn?.name ?? node.name ?? '?'));

/** log(1 + u) or log(u + 1) → u, else undefined (the log1p rewrite). */
function onePlus(node: MathNode): MathNode | undefined {
  const inner = node.type === 'ParenthesisNode' ? node.content! : node;
  if (inner.type !== 'OperatorNode' || inner.fn !== 'add' || inner.args?.length !== 2) return undefined;
  const [l, r] = inner.args;
  const isOne = (x: MathNode) => x.type === 'ConstantNode' && Number(x.value) === 1;
  if (isOne(l!)) return r;
  if (isOne(r!)) return l;
  return undefined;
}

/** Compiles a mathjs tree into a closure of z; throws OptionError naming what is not allowed. */
function compile(node: MathNode, source: string): Fn {
  switch (node.type) {
    case 'ConstantNode': {
      const c = Number(node.value);
      if (!Number.isFinite(c)) throw new OptionError('lossExpr', EXAMPLE, source, `constant ${String(node.value)} is not a finite number`);
      return () => c;
    }
    case 'SymbolNode': {
      if (node.name === 'z') return (z) => z;
      const c = CONSTANTS[node.name!];
      if (c !== undefined) return () => c;
      throw new OptionError('lossExpr', EXAMPLE, source, `unknown symbol "${node.name}" (known: z, pi, e)`);
    }
    case 'ParenthesisNode':
      return compile(node.content!, source);
    case 'OperatorNode': {
      const args = (node.args ?? []).map((a) => compile(a, source));
      const [a, b] = args as [Fn, Fn];
      switch (`${String(node.fn)}/${args.length}`) {
        case 'add/2':
          return (z) => a(z) + b(z);
        case 'subtract/2':
          return (z) => a(z) - b(z);
        case 'multiply/2':
          return (z) => a(z) * b(z);
        case 'divide/2':
          return (z) => a(z) / b(z);
        case 'pow/2': {
          const e = node.args![1]!;
          if (e.type === 'ConstantNode' && Number(e.value) === 2) return (z) => a(z) * a(z);
          return (z) => Math.pow(a(z), b(z));
        }
        case 'unaryMinus/1':
          return (z) => -a(z);
        case 'unaryPlus/1':
          return a;
        default:
          throw new OptionError('lossExpr', EXAMPLE, source, `operator "${node.op ?? String(node.fn)}" is not supported (use + - * / ^)`);
      }
    }
    case 'FunctionNode': {
      const name = fnName(node);
      const f = LOSS_EXPR_FUNCTIONS[name];
      if (f === undefined) throw new OptionError('lossExpr', EXAMPLE, source, `unknown function "${name}" (known: ${Object.keys(LOSS_EXPR_FUNCTIONS).slice(0, 13).join(', ')})`);
      if (node.args?.length !== 1) throw new OptionError('lossExpr', EXAMPLE, source, `${name} takes one argument, received ${node.args?.length ?? 0}`);
      if (name === 'log') {
        const u = onePlus(node.args[0]!);
        if (u !== undefined) {
          const g = compile(u, source);
          return (z) => Math.log1p(g(z)); // log(1 + u) without the rounding of 1 + u
        }
      }
      const g = compile(node.args[0]!, source);
      return (z) => f(g(z));
    }
    default:
      throw new OptionError('lossExpr', EXAMPLE, source, `${node.type.replace(/Node$/, '').toLowerCase()} expressions are not supported`);
  }
}

/** log1p(u) → log(1 + u), expm1(u) → exp(u) − 1: forms mathjs's derivative knows. */
function forDerivative(source: string): string {
  return source.replace(/\blog1p\(/g, 'log(1 + ').replace(/\bexpm1\(([^()]*)\)/g, '(exp($1) - 1)');
}

const cache = new Map<string, LossExpression>();

/**
 * Parses, differentiates and compiles a loss expression h(z) once (cached by its text).
 * Errors are OptionErrors on `lossExpr` naming the unknown symbol or function, or the syntax error.
 *
 * @example
 * const L = compileLossExpression('log(1 + exp(-z))');
 * L.h(0);            // 0.6931… (= ln 2)
 * L.dh(0);           // −0.5
 * L.derivative;      // '-(exp(-z) / (exp(-z) + 1))'
 */
export function compileLossExpression(source: string): LossExpression {
  if (typeof source !== 'string' || source.trim() === '') throw new OptionError('lossExpr', EXAMPLE, source);
  const hit = cache.get(source);
  if (hit) return hit;
  const math = loadMathjs();
  let tree: MathNode;
  try {
    tree = math.parse(source);
  } catch (error) {
    throw new OptionError('lossExpr', EXAMPLE, source, `syntax error: ${(error as Error).message}`);
  }
  const h = compile(tree, source); // validates symbols and functions before differentiating
  let dtree: MathNode;
  try {
    dtree = math.derivative(math.parse(forDerivative(source)), 'z');
  } catch (error) {
    throw new OptionError('lossExpr', EXAMPLE, source, `cannot differentiate: ${(error as Error).message}`);
  }
  const out: LossExpression = Object.freeze({ source, derivative: dtree.toString(), h, dh: compile(dtree, source) });
  cache.set(source, out);
  return out;
}

/**
 * Checks h and h′ at the initial margins z_k (one per sample): a loss that is not finite where
 * the flow starts cannot be integrated. Throws OptionError on `lossExpr`.
 *
 * @example
 * checkLossExpressionAt(compileLossExpression('log(z)'), [-1]); // throws: h(-1) = NaN
 */
export function checkLossExpressionAt(L: LossExpression, margins: ArrayLike<number>): void {
  for (let k = 0; k < margins.length; k++) {
    const z = margins[k]!;
    const v = L.h(z);
    const dv = L.dh(z);
    if (!Number.isFinite(v) || !Number.isFinite(dv)) {
      const where = margins.length > 1 ? ` (sample ${k})` : '';
      throw new OptionError('lossExpr', 'finite h(z) and h′(z) at the initial margin z = y·βᵀf', L.source, `h(${z}) = ${v}, h′(${z}) = ${dv}${where}`);
    }
  }
}
