import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  JsHistogram,
  type Histogram,
} from 'hdr-histogram-js';
import {
  emptyLatencySummary,
  interpolatePercentile,
  REPORTED_QUANTILES,
  type LatencySummary,
} from './summary.js';

/** Decimal digits every bucket keeps: values up to 2047 µs are exact, larger ones within 0.1%. */
export const SIGNIFICANT_DIGITS = 3;
/** Count width of the buckets: 64-bit floats count exactly up to 2^53, so merged repeats never overflow. */
const BIT_BUCKET_SIZE = 64;

/**
 * A histogram as stored in a result file, so that repeats can be merged later. The two hdr histograms are
 * HdrHistogram's V2 compressed encoding in base64 (readable by every HdrHistogram port); the exact running
 * figures (count, min, max, mean, M2) travel alongside because buckets cannot give them back.
 */
export interface SerializedHistogram {
  /** Layout version of this object. */
  format: 1;
  /** Significant digits of both hdr histograms. */
  significantDigits: number;
  /** Number of recorded values. */
  count: number;
  /** How many of them are negative. */
  negativeCount: number;
  /** Exact smallest value, µs; null when empty. */
  minUs: number | null;
  /** Exact largest value, µs; null when empty. */
  maxUs: number | null;
  /** Exact mean, µs; null when empty. */
  meanUs: number | null;
  /** Σ(x − mean)², µs² (Welford's M2); 0 when empty. */
  sumSquaredDeviationsUs2: number;
  /** hdr histogram of the values ≥ 0, rounded to whole µs. */
  nonNegativeBase64: string;
  /** hdr histogram of |value| of the values < 0, rounded to whole µs. */
  negativeMagnitudeBase64: string;
}

/**
 * Records latencies in µs for one (engine, stage) and summarizes them without holding the values.
 *
 * HdrHistogram only takes values ≥ 0, but negative latencies must be kept (docs/measurement.md#percentiles-and-negative-latencies), so values ≥ 0
 * go to one histogram and the magnitudes of negative values to a second one; percentiles read both as one
 * ordered sequence (negatives, most negative first, then the rest). Each order statistic is its bucket's
 * midpoint (`medianEquivalentValue`), clamped to the exact [min, max], and percentiles interpolate between
 * ranks exactly like PostgreSQL's `percentile_cont` ({@link interpolatePercentile}). Histogram values are
 * rounded to whole µs; count, min, max, mean and stddev are exact, from running sums (Welford 1962, merged with
 * Chan et al. 1979: n = nA + nB, δ = x̄B − x̄A, x̄ = x̄A + δ·nB/n, M2 = M2A + M2B + δ²·nA·nB/n).
 */
export class LatencyRecorder {
  private readonly nonNegative: JsHistogram;
  private readonly negativeMagnitude: JsHistogram;
  private n = 0;
  private negatives = 0;
  private meanUs = 0;
  private m2 = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = Number.NEGATIVE_INFINITY;

  constructor(nonNegative: JsHistogram = newHdr(), negativeMagnitude: JsHistogram = newHdr()) {
    this.nonNegative = nonNegative;
    this.negativeMagnitude = negativeMagnitude;
  }

  /** Records `count` occurrences of one latency (µs, any sign, finite). */
  record(valueUs: number, count = 1): void {
    if (!Number.isFinite(valueUs))
      throw new RangeError(`A latency must be a finite number of µs; got ${valueUs}`);
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError(`A count must be a positive integer; got ${count}`);
    const target = valueUs < 0 ? this.negativeMagnitude : this.nonNegative;
    target.recordValueWithCount(Math.round(Math.abs(valueUs)), count);
    if (valueUs < 0) this.negatives += count;
    this.combine(count, valueUs, 0, valueUs, valueUs);
  }

  /** Number of values recorded. */
  get count(): number {
    return this.n;
  }

  /** Adds every value of `other` to this recorder (exact for count, min, max, mean, stddev). */
  merge(other: LatencyRecorder): void {
    if (other.n === 0) return;
    this.nonNegative.add(other.nonNegative);
    this.negativeMagnitude.add(other.negativeMagnitude);
    this.negatives += other.negatives;
    this.combine(other.n, other.meanUs, other.m2, other.minUs, other.maxUs);
  }

  /** The q-quantile (0 ≤ q ≤ 1) in µs by the one percentile definition; null when empty. */
  percentileUs(q: number): number | null {
    return this.percentilesUs([q])[0] ?? null;
  }

  /** Several quantiles at once (one pass over the buckets). */
  percentilesUs(qs: readonly number[]): (number | null)[] {
    const valueAtRank = this.rankReader();
    return qs.map((q) => interpolatePercentile(q, this.n, valueAtRank));
  }

  /**
   * The empirical CDF as at most `maxPoints` steps, ascending: each point is a bucket's midpoint value (µs,
   * clamped to the exact [min, max]) and the fraction of values at or below it. Buckets are thinned evenly by
   * rank when there are more than `maxPoints`; the last point is always (max, 1). Empty ⇒ [].
   */
  cdf(maxPoints = 200): { valueUs: number; fraction: number }[] {
    if (this.n === 0) return [];
    const steps = this.buckets().map(({ value, cumulative }) => ({
      valueUs: value,
      fraction: cumulative / this.n,
    }));
    // The largest value is known exactly; its bucket's midpoint may lie below it.
    (steps[steps.length - 1] as { valueUs: number }).valueUs = this.maxUs;
    if (steps.length <= maxPoints) return steps;
    const thinned: { valueUs: number; fraction: number }[] = [];
    let next = 0;
    for (const step of steps) {
      if (step.fraction >= next) {
        thinned.push(step);
        next = step.fraction + 1 / (maxPoints - 1);
      }
    }
    const last = steps[steps.length - 1] as { valueUs: number; fraction: number };
    if (thinned[thinned.length - 1] !== last) thinned.push(last);
    return thinned;
  }

  /** Every figure of a {@link LatencySummary}; count 0 ⇒ every figure null. */
  summarize(): LatencySummary {
    if (this.n === 0) return emptyLatencySummary();
    const percentiles = this.percentilesUs(REPORTED_QUANTILES.map((r) => r.q));
    const summary: LatencySummary = {
      count: this.n,
      negativeCount: this.negatives,
      p50Us: null,
      p90Us: null,
      p95Us: null,
      p99Us: null,
      p999Us: null,
      minUs: this.minUs,
      maxUs: this.maxUs,
      meanUs: this.meanUs,
      stddevUs: Math.sqrt(this.m2 / this.n),
    };
    REPORTED_QUANTILES.forEach(({ field }, i) => (summary[field] = percentiles[i] ?? null));
    return summary;
  }

  /** The recorder as plain JSON data, for `run.json`. */
  serialize(): SerializedHistogram {
    const empty = this.n === 0;
    return {
      format: 1,
      significantDigits: SIGNIFICANT_DIGITS,
      count: this.n,
      negativeCount: this.negatives,
      minUs: empty ? null : this.minUs,
      maxUs: empty ? null : this.maxUs,
      meanUs: empty ? null : this.meanUs,
      sumSquaredDeviationsUs2: this.m2,
      nonNegativeBase64: encodeIntoCompressedBase64(this.nonNegative),
      negativeMagnitudeBase64: encodeIntoCompressedBase64(this.negativeMagnitude),
    };
  }

  /** Rebuilds a recorder from {@link LatencyRecorder.serialize}; throws a RangeError on inconsistent data. */
  static deserialize(data: SerializedHistogram): LatencyRecorder {
    if (data.format !== 1) throw new RangeError(`Unknown histogram format ${String(data.format)}`);
    const recorder = new LatencyRecorder(
      decodeHdr(data.nonNegativeBase64),
      decodeHdr(data.negativeMagnitudeBase64),
    );
    const bucketTotal = recorder.nonNegative.totalCount + recorder.negativeMagnitude.totalCount;
    if (bucketTotal !== data.count || recorder.negativeMagnitude.totalCount !== data.negativeCount) {
      throw new RangeError(`Histogram counts disagree: ${data.count} recorded, ${bucketTotal} in buckets`);
    }
    if (data.count > 0) {
      if (data.minUs === null || data.maxUs === null || data.meanUs === null) {
        throw new RangeError('A non-empty histogram needs minUs, maxUs and meanUs');
      }
      recorder.n = data.count;
      recorder.negatives = data.negativeCount;
      recorder.minUs = data.minUs;
      recorder.maxUs = data.maxUs;
      recorder.meanUs = data.meanUs;
      recorder.m2 = data.sumSquaredDeviationsUs2;
    }
    return recorder;
  }

  private combine(countB: number, meanB: number, m2B: number, minB: number, maxB: number): void {
    const total = this.n + countB;
    const delta = meanB - this.meanUs;
    this.meanUs += (delta * countB) / total;
    this.m2 += m2B + (delta * delta * this.n * countB) / total;
    this.n = total;
    if (minB < this.minUs) this.minUs = minB;
    if (maxB > this.maxUs) this.maxUs = maxB;
  }

  /** k-th smallest value (0-based) as its bucket midpoint, over both histograms in ascending order. */
  private rankReader(): (rank: number) => number {
    const buckets = this.buckets();
    return (rank) => {
      let lo = 0;
      let hi = buckets.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((buckets[mid] as Bucket).cumulative > rank) hi = mid;
        else lo = mid + 1;
      }
      return (buckets[lo] as Bucket).value;
    };
  }

  /** The non-empty buckets of both histograms in ascending order, with running counts. */
  private buckets(): Bucket[] {
    const buckets: Bucket[] = [];
    let total = 0;
    const push = (value: number, count: number) => {
      total += count;
      buckets.push({ value: Math.min(this.maxUs, Math.max(this.minUs, value)) + 0, cumulative: total });
    };
    const neg = this.negativeMagnitude;
    for (let i = neg.countsArrayLength - 1; i >= 0; i--) {
      const count = neg.getCountAtIndex(i);
      if (count > 0) push(-neg.medianEquivalentValue(neg.valueFromIndex(i)), count);
    }
    const pos = this.nonNegative;
    for (let i = 0; i < pos.countsArrayLength; i++) {
      const count = pos.getCountAtIndex(i);
      if (count > 0) push(pos.medianEquivalentValue(pos.valueFromIndex(i)), count);
    }
    return buckets;
  }
}

/** One non-empty bucket: its midpoint value (µs) and how many values are at or below it. */
interface Bucket {
  value: number;
  cumulative: number;
}

function newHdr(): JsHistogram {
  return asJs(
    build({
      bitBucketSize: BIT_BUCKET_SIZE,
      numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
      autoResize: true,
    }),
  );
}

function decodeHdr(base64: string): JsHistogram {
  const histogram = asJs(decodeFromCompressedBase64(base64, BIT_BUCKET_SIZE));
  histogram.autoResize = true;
  return histogram;
}

function asJs(histogram: Histogram): JsHistogram {
  if (!(histogram instanceof JsHistogram)) throw new TypeError('Expected the JavaScript hdr histogram');
  return histogram;
}
