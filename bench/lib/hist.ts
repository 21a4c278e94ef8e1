/**
 * A mergeable latency histogram. Values are milliseconds; they are kept exactly to 1 µs below
 * 1.024 ms and in 1 %-wide log buckets above, so percentiles are within 1 % and a worker can ship
 * its histogram to the runner as a few hundred numbers instead of every sample.
 */
const LINEAR_US = 1024;
const LOG_STEP = Math.log(1.01);

export interface HistJSON {
  n: number;
  sum: number;
  min: number;
  max: number;
  /** [bucket index, count] pairs. */
  b: [number, number][];
}

export interface Summary {
  n: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

function bucketOf(us: number): number {
  if (us < LINEAR_US) return Math.max(0, Math.floor(us));
  return LINEAR_US + Math.floor(Math.log(us / LINEAR_US) / LOG_STEP);
}

/** The value a bucket stands for (its geometric middle above the linear range), in µs. */
function valueOf(bucket: number): number {
  if (bucket < LINEAR_US) return bucket + 0.5;
  const k = bucket - LINEAR_US;
  return LINEAR_US * Math.exp((k + 0.5) * LOG_STEP);
}

export class Hist {
  n = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private buckets = new Map<number, number>();

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const v = Math.max(0, ms);
    this.n++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    const b = bucketOf(v * 1000);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
  }

  merge(other: Hist | HistJSON): this {
    const o = other instanceof Hist ? other.toJSON() : other;
    if (o.n === 0) return this;
    this.n += o.n;
    this.sum += o.sum;
    this.min = Math.min(this.min, o.min);
    this.max = Math.max(this.max, o.max);
    for (const [b, c] of o.b) this.buckets.set(b, (this.buckets.get(b) ?? 0) + c);
    return this;
  }

  /** Nearest-rank percentile in ms; exact at the extremes (p0 = min, p100 = max). */
  percentile(p: number): number | null {
    if (this.n === 0) return null;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const rank = Math.ceil((p / 100) * this.n);
    let seen = 0;
    for (const b of [...this.buckets.keys()].sort((x, y) => x - y)) {
      seen += this.buckets.get(b)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, valueOf(b) / 1000));
    }
    return this.max;
  }

  summary(): Summary {
    if (this.n === 0) return { n: 0, mean: null, p50: null, p95: null, p99: null, max: null };
    return { n: this.n, mean: this.sum / this.n, p50: this.percentile(50), p95: this.percentile(95), p99: this.percentile(99), max: this.max };
  }

  toJSON(): HistJSON {
    return { n: this.n, sum: this.sum, min: this.n ? this.min : 0, max: this.n ? this.max : 0, b: [...this.buckets.entries()] };
  }

  static from(json: HistJSON): Hist {
    return new Hist().merge(json);
  }

  static mergeAll(list: (Hist | HistJSON)[]): Hist {
    const h = new Hist();
    for (const x of list) h.merge(x);
    return h;
  }
}
