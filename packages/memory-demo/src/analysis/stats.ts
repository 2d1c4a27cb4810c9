/**
 * The statistics of leak detection, pure and small: a least-squares line through post-GC heap
 * sizes, the confidence interval of its slope (Student's t), and the verdict built on both.
 * This replaces the book's memwatch `leak` event (§5.5.2), which fired after five consecutive
 * heap growths: a slope with an interval says how fast, and how sure.
 */

/** A straight-line least-squares fit `y = intercept + slope·x` with the slope's interval. */
export interface LinearFit {
  /** Number of points. */
  n: number;
  /** Units of y per unit of x (bytes per iteration for a heap series). */
  slope: number;
  intercept: number;
  /** Standard error of the slope. */
  slopeStdErr: number;
  /** Two-sided confidence interval of the slope at {@link LinearFit.confidence}. */
  ciLow: number;
  ciHigh: number;
  /** The interval's confidence level, e.g. 0.95. */
  confidence: number;
}

/**
 * Ordinary least squares of `ys` on `xs` and the `confidence` interval of the slope,
 * `slope ± t(1 − α/2, n − 2) · SE(slope)`.
 *
 * The interval assumes independent residuals; post-GC heap sizes are close to that once a
 * forced full GC separates the samples, but a heap that grows in steps (a backing store
 * doubling) makes residuals correlated, so read the interval as a guide, not a proof.
 *
 * @throws {RangeError} with fewer than 3 points, arrays of different lengths, or all `xs`
 *   equal (no slope is defined).
 */
export function linearFit(
  xs: readonly number[],
  ys: readonly number[],
  confidence = 0.95,
): LinearFit {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError(`xs (${n}) and ys (${ys.length}) differ in length`);
  if (n < 3) throw new RangeError(`a slope interval needs at least 3 points (got ${n})`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
  const xMean = mean(xs);
  const yMean = mean(ys);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = xs[i]! - xMean;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - yMean);
  }
  if (sxx === 0) throw new RangeError('all x values are equal: no slope');
  const slope = sxy / sxx;
  const intercept = yMean - slope * xMean;
  let sse = 0;
  for (let i = 0; i < n; i += 1) {
    const r = ys[i]! - (intercept + slope * xs[i]!);
    sse += r * r;
  }
  const slopeStdErr = Math.sqrt(sse / (n - 2) / sxx);
  const t = studentTQuantile(1 - (1 - confidence) / 2, n - 2);
  return {
    n,
    slope,
    intercept,
    slopeStdErr,
    ciLow: slope - t * slopeStdErr,
    ciHigh: slope + t * slopeStdErr,
    confidence,
  };
}

/**
 * The leak verdict of issue 13: leaking when the slope's whole interval lies above zero
 * (growth is not noise) AND the slope is above `threshold` (growth is big enough to matter;
 * a few hundred bytes per iteration of JIT feedback are not a leak).
 */
export function isLeaking(fit: Pick<LinearFit, 'slope' | 'ciLow'>, threshold: number): boolean {
  return fit.ciLow > 0 && fit.slope > threshold;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** The cumulative distribution function of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0 (got ${df})`);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The `p` quantile of Student's t with `df` degrees of freedom (e.g. `p` 0.975, `df` 28 →
 * 2.0484), by bisection on {@link studentTCdf}: 200 halvings of [−1e4, 1e4], far below the
 * precision a confidence interval needs.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1) (got ${p})`);
  let lo = -1e4;
  let hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i += 1) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The regularized incomplete beta function I_x(a, b), by its continued fraction (modified
 * Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

const TINY = 1e-300;

function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Lanczos coefficients (g = 7, n = 9), the usual choice for double precision. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos approximation, with the reflection formula below 0.5). */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i += 1) sum += LANCZOS[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}
