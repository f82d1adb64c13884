/**
 * Instances spread uniformly over a site's executions, drawn from the
 * snapshots the tracer kept.
 *
 * The tracer (`want_snapshot` in lib/trace/tracer/ncftrace.c) numbers a
 * site's eligible executions c = 0, 1, 2, ... (every `every`-th execution;
 * all by default) and keeps c iff `c % stride == 0`; the stride starts at 1
 * and doubles each time `max-per-site=K` executions were kept at the current
 * stride. Strides are powers of two that only grow, so an index c that is a
 * multiple of the stride S reached at some moment was, when it ran, a
 * multiple of the (smaller) stride then in force: it was kept. Hence, for each
 * part of the window (train, valid, test), every execution of the part whose
 * index is a multiple of S_end, the site's stride at the end of that part, has
 * a snapshot: a systematic sample of one execution in S_end, uniform over the
 * part's executions. These are the part's *uniform candidates*; `maxPerSite`
 * of them are drawn uniformly at random.
 *
 * The builder sees every event, so {@linkcode SnapshotSchedule} replays the
 * tracer's rule and knows each snapshot's index c. S_end is known only at the
 * end of the part, but memory stays bounded: a candidate survives stride 2^j
 * iff c has at least j trailing zero bits, so {@linkcode PartSample} keeps the
 * candidates by that count (their "class"), each class holding the
 * `maxPerSite` candidates with the smallest random keys. The `maxPerSite`
 * smallest keys among the classes that survive S_end are then exactly a
 * uniform sample of the part's uniform candidates.
 *
 * @module
 */

/** The tracer's snapshot thinning, as the trace header's snapshot spec states it. */
export interface ThinningSpec {
  /** Only every Nth execution of a site is eligible (1 = all). */
  every: number;
  /** K of `max-per-site=K`; 0 keeps every eligible execution. */
  maxPerSite: number;
}

/** Grows a typed array to at least `size` entries (doubling), keeping its contents. */
function grown<T extends Float64Array | Uint8Array>(a: T, size: number): T {
  if (size <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(size, 2 * a.length, 1024));
  b.set(a);
  return b;
}

/** The tracer's thinning state of a site after `eligible` eligible executions. */
export function thinningState(
  maxPerSite: number,
  eligible: number,
): { exponent: number; keptAtStride: number } {
  if (maxPerSite === 0) return { exponent: 0, keptAtStride: eligible };
  if (eligible < maxPerSite) return { exponent: 0, keptAtStride: eligible };
  let last = maxPerSite - 1; // last index kept at the previous stride
  for (let exponent = 1;; exponent++) {
    const stride = 2 ** exponent;
    const first = (Math.floor(last / stride) + 1) * stride;
    const kept = eligible - 1 >= first ? Math.floor((eligible - 1 - first) / stride) + 1 : 0;
    if (kept < maxPerSite) return { exponent, keptAtStride: kept };
    last = first + (maxPerSite - 1) * stride;
  }
}

/**
 * Replays the tracer's choice of which executions of each site get a
 * snapshot (see the module doc), for the sites the snapshot spec selects.
 *
 * The tracer counts some executions that the trace holds no event for: those
 * of the window's first block that ran before the window began, and guarded
 * reads that did not happen. So each site has an offset (executions the
 * tracer counted and the builder did not see), 0 at first. When a snapshot is
 * where the replay says none is kept, or missing where it says one is, the
 * offset grows to the smallest value that explains the observation, and the
 * replay continues from the tracer's state at that count.
 */
export class SnapshotSchedule {
  #seen = new Float64Array(0);
  #offset = new Float64Array(0);
  #keptAtStride = new Float64Array(0);
  /** log2 of each site's stride. */
  #exponent = new Uint8Array(0);
  /** Observations the replay explained by a larger offset, and those it could not explain. */
  resynchronised = 0;
  unexplained = 0;

  /** Largest offset step a single observation may cause. */
  static readonly MAX_OFFSET_STEP = 64;

  constructor(readonly spec: ThinningSpec) {}

  /** Makes room for site ids below `sites`. */
  ensure(sites: number): void {
    this.#seen = grown(this.#seen, sites);
    this.#offset = grown(this.#offset, sites);
    this.#keptAtStride = grown(this.#keptAtStride, sites);
    this.#exponent = grown(this.#exponent, sites);
  }

  /** The eligible index of the site's next execution under `offset`, if the tracer keeps it, else -1. */
  #decide(site: number, offset: number, state = this.#stateWith(site, offset)): number {
    const n = this.#seen[site] + offset;
    if (this.spec.every > 1 && n % this.spec.every !== 0) return -1;
    const c = Math.ceil(n / this.spec.every);
    return this.spec.maxPerSite === 0 || c % 2 ** state.exponent === 0 ? c : -1;
  }

  /** The thinning state before the site's next execution, if `offset` executions were unseen. */
  #stateWith(site: number, offset: number) {
    if (offset === this.#offset[site]) {
      return { exponent: this.#exponent[site], keptAtStride: this.#keptAtStride[site] };
    }
    const eligible = Math.ceil((this.#seen[site] + offset) / this.spec.every);
    return thinningState(this.spec.maxPerSite, eligible);
  }

  /**
   * Call for every execution of a selected site, in trace order, with whether
   * it has a snapshot: its eligible index when the tracer kept it, else -1.
   * `snapshotMayBeMissing` allows a kept execution without a snapshot (a lead
   * snapshot at the window's start).
   */
  next(site: number, hasSnapshot: boolean, snapshotMayBeMissing = false): number {
    let c = this.#decide(site, this.#offset[site]);
    if ((c >= 0) !== hasSnapshot && !(c >= 0 && snapshotMayBeMissing)) {
      const explained = this.#resynchronise(site, hasSnapshot);
      if (explained === undefined) this.unexplained++;
      else c = explained;
    }
    this.#seen[site]++;
    if (c < 0) return -1;
    if (this.spec.maxPerSite > 0 && ++this.#keptAtStride[site] === this.spec.maxPerSite) {
      this.#keptAtStride[site] = 0;
      this.#exponent[site]++;
    }
    return c;
  }

  /**
   * Moves the site's offset to the smallest larger one under which the tracer
   * keeps this execution iff it has a snapshot; the decision under it, or
   * undefined when no offset within {@linkcode MAX_OFFSET_STEP} explains it.
   */
  #resynchronise(site: number, hasSnapshot: boolean): number | undefined {
    const current = this.#offset[site];
    for (let offset = current + 1; offset <= current + SnapshotSchedule.MAX_OFFSET_STEP; offset++) {
      const state = this.#stateWith(site, offset);
      const c = this.#decide(site, offset, state);
      if ((c >= 0) !== hasSnapshot) continue;
      this.#offset[site] = offset;
      this.#exponent[site] = state.exponent;
      this.#keptAtStride[site] = state.keptAtStride;
      this.resynchronised++;
      return c;
    }
    return undefined;
  }

  /** log2 of the site's current stride. */
  exponent(site: number): number {
    return this.#exponent[site];
  }
}

/** Trailing zero bits of a non-negative integer below 2^53 (64 for 0). */
export function trailingZeros(c: number): number {
  if (c === 0) return 64;
  let n = 0;
  while (c % 2 === 0) {
    c /= 2;
    n++;
  }
  return n;
}

/** A class's kept candidates: a binary max-heap on `key`. */
interface Heap<T> {
  keys: number[];
  items: T[];
}

function heapPush<T>(heap: Heap<T>, key: number, item: T): void {
  let i = heap.keys.length;
  heap.keys.push(key);
  heap.items.push(item);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap.keys[parent] >= key) break;
    heap.keys[i] = heap.keys[parent];
    heap.items[i] = heap.items[parent];
    i = parent;
  }
  heap.keys[i] = key;
  heap.items[i] = item;
}

function heapReplaceTop<T>(heap: Heap<T>, key: number, item: T): void {
  const n = heap.keys.length;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1, r = l + 1;
    let largest = i, largestKey = key;
    if (l < n && heap.keys[l] > largestKey) (largest = l), (largestKey = heap.keys[l]);
    if (r < n && heap.keys[r] > largestKey) largest = r;
    if (largest === i) break;
    heap.keys[i] = heap.keys[largest];
    heap.items[i] = heap.items[largest];
    i = largest;
  }
  heap.keys[i] = key;
  heap.items[i] = item;
}

/** The uniform sample of one site in one part of the window (see the module doc). */
export class PartSample<T> {
  /** Candidates seen per class (trailing zeros of c, 64 for c = 0). */
  readonly #counts = new Float64Array(65);
  readonly #classes = new Map<number, Heap<T>>();
  /** log2 of the site's stride after its latest kept execution in this part. */
  exponent = 0;

  constructor(readonly size: number) {}

  /**
   * Offers the candidate with eligible index `c` and random key `key`;
   * `make` builds its item only when it is kept. Returns the item, if kept.
   */
  offer(c: number, key: number, make: () => T): T | undefined {
    const cls = trailingZeros(c);
    if (cls < this.exponent) return undefined;
    this.#counts[cls]++;
    let heap = this.#classes.get(cls);
    if (!heap) this.#classes.set(cls, heap = { keys: [], items: [] });
    if (heap.keys.length < this.size) {
      const item = make();
      heapPush(heap, key, item);
      return item;
    }
    if (key >= heap.keys[0]) return undefined;
    const item = make();
    heapReplaceTop(heap, key, item);
    return item;
  }

  /** Records the site's stride exponent after a kept execution of this part; drops classes it rules out. */
  advance(exponent: number): void {
    if (exponent === this.exponent) return;
    this.exponent = exponent;
    for (const cls of this.#classes.keys()) if (cls < exponent) this.#classes.delete(cls);
  }

  /** The part's uniform candidates (see the module doc). */
  get candidates(): number {
    let n = 0;
    for (let cls = this.exponent; cls <= 64; cls++) n += this.#counts[cls];
    return n;
  }

  /** The sample: the `size` kept items with the smallest keys among those `usable` says can be used. */
  draw(usable: (item: T) => boolean): T[] {
    const pool: { key: number; item: T }[] = [];
    for (const [cls, heap] of this.#classes) {
      if (cls < this.exponent) continue;
      heap.keys.forEach((key, k) => {
        if (usable(heap.items[k])) pool.push({ key, item: heap.items[k] });
      });
    }
    return pool.sort((a, b) => a.key - b.key).slice(0, this.size).map((p) => p.item);
  }
}
