/**
 * The Wing–Gong–Lowe search for one independent part of a history, as Porcupine does it, in our
 * own words:
 *
 * - Every op becomes two entries, its call and its return, in one list sorted by time (a call
 *   before a return at equal times, so ops that touch are concurrent). An op whose outcome is
 *   unknown returns at +infinity.
 * - Walking the list from the front, any call met before the first return is an op that may take
 *   effect next. If the model accepts it, the op is lifted out of the list (call and return) and
 *   the walk restarts from the front; when the walk reaches a return, the op that owns it should
 *   have taken effect by then and did not fit, so the last lifted op is put back and the walk goes
 *   on after it.
 * - A cache of (set of ops taken, model state) pairs prunes configurations already explored.
 * - Ops of unknown outcome are optional: the part is linearizable once every op that completed
 *   has been placed.
 *
 * The search is resumable: `run(budget)` does at most `budget` steps and reports where it stands,
 * so a caller can interleave several parts (as Porcupine runs them in parallel) and watch a clock.
 * No I/O, no clock: pure computation over arrays.
 *
 * Speed: the list is typed arrays, the set of ops taken is a bitset with a Zobrist hash updated in
 * O(1) per step (no bitset copy to look up the cache), and the cache is a chained hash table over
 * typed arrays that stores a bitset only when it inserts.
 */

export type SearchStatus = 'running' | 'linearizable' | 'illegal' | 'cache-full';

export interface SearchModel<State, Prepared> {
  init(): State;
  step(state: State, op: Prepared): State | undefined;
  equal?(a: State, b: State): boolean;
  hash?(state: State): number;
}

export interface SearchOptions {
  /** Give up (status `cache-full`) when the cache holds this many configurations. */
  maxCacheEntries?: number;
}

const HEAD = 0;

// Slots of the registers array: where the search stands between two `run` calls.
const R_CURSOR = 0;
const R_DEPTH = 1;
const R_REQUIRED = 2;
const R_LO = 3;
const R_HI = 4;
const R_BEST = 5;
const R_SPENT = 6;

// What the loop returns.
const RUNNING = 0;
const LINEARIZABLE = 1;
const ILLEGAL = 2;
const CACHE_FULL = 3;
const STATUS: SearchStatus[] = ['running', 'linearizable', 'illegal', 'cache-full'];

/**
 * Op indexes ordered by time, then by index. Times of a history are nearly in order (an op
 * returns soon after its call), so: unknown returns (Infinity) go last, the rest by insertion sort,
 * with a general sort when that turns out to move too much.
 */
function sortedByTime(times: ArrayLike<number>): Int32Array {
  const n = times.length;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) if (times[i] !== Infinity) out[k++] = i;
  const finite = k;
  for (let i = 0; i < n; i++) if (times[i] === Infinity) out[k++] = i;
  let moves = 0;
  for (let i = 1; i < finite; i++) {
    const x = out[i]!;
    const t = times[x]!;
    let j = i - 1;
    while (j >= 0 && times[out[j]!]! > t) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = x;
    moves += i - 1 - j;
    if (moves > 16 * n + 256) {
      const idx = Array.from(out.subarray(0, finite)).sort((a, b) => times[a]! - times[b]! || a - b);
      out.set(idx);
      break;
    }
  }
  return out;
}

export class LinearizationSearch<State, Prepared> {
  readonly opCount: number;
  /** Steps done so far, over all `run` calls. */
  steps = 0;
  status: SearchStatus = 'running';
  /** Position of each op's call and return entries in the sorted list. */
  readonly callPos: Int32Array;
  readonly returnPos: Int32Array;

  private readonly frame: Frame<State, Prepared>;

  /**
   * @param ops prepared ops, in any order
   * @param calls call time of each op
   * @param returns return time of each op; Infinity for an op of unknown outcome (optional)
   */
  constructor(
    model: SearchModel<State, Prepared>,
    ops: readonly Prepared[],
    calls: ArrayLike<number>,
    returns: ArrayLike<number>,
    options: SearchOptions = {},
  ) {
    const n = ops.length;
    this.opCount = n;

    // One buffer for the fixed-size arrays: small histories are common (one key of many), and
    // each separate typed array costs an allocation.
    const tail = 2 * n + 1;
    const words = Math.max(1, (n + 31) >>> 5);
    const sizes = [tail + 1, tail + 1, tail + 1, tail + 1, n, n, n, n, n, n, words, 7];
    const buffer = new Int32Array(sizes.reduce((x, y) => x + y, 0));
    let at = 0;
    const take = (size: number) => buffer.subarray(at, (at += size));
    // The list: entries 1..2n in time order, HEAD = 0, tail = 2n + 1.
    const next = take(tail + 1);
    const prev = take(tail + 1);
    const matchOf = take(tail + 1);
    const opOf = take(tail + 1);
    this.callPos = take(n);
    this.returnPos = take(n);
    const zLo = take(n);
    const zHi = take(n);
    const stackEntry = take(n);
    const best = take(n);
    const bits = take(words);
    const regs = take(7);

    // The entries by time, calls before returns at equal times (ops that touch are concurrent),
    // then by op: merge the calls and the returns, each sorted by time.
    const byCall = sortedByTime(calls);
    const byReturn = sortedByTime(returns);
    for (let i = 0, j = 0, p = 1; p <= 2 * n; p++) {
      if (i < n && (j >= n || calls[byCall[i]!]! <= returns[byReturn[j]!]!)) {
        const op = byCall[i++]!;
        opOf[p] = op;
        this.callPos[op] = p;
      } else {
        const op = byReturn[j++]!;
        opOf[p] = op;
        this.returnPos[op] = p;
      }
    }
    for (let op = 0; op < n; op++) matchOf[this.callPos[op]!] = this.returnPos[op]!;
    for (let i = 0; i <= tail; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }

    const optional = new Uint8Array(n);
    let required = 0;
    for (let op = 0; op < n; op++) {
      if (returns[op] === Infinity) optional[op] = 1;
      else required++;
    }

    // Zobrist keys from splitmix32 with a fixed seed, so runs are reproducible.
    for (let i = 0, seed = 0x2545f491; i < 2 * n; i++) {
      seed = (seed + 0x9e3779b9) | 0;
      let z = Math.imul(seed ^ (seed >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      z ^= z >>> 16;
      if ((i & 1) === 0) zLo[i >> 1] = z;
      else zHi[i >> 1] = z;
    }

    regs[R_CURSOR] = next[HEAD]!;
    regs[R_REQUIRED] = required;
    regs[R_BEST] = -1;
    this.frame = {
      model,
      ops,
      next,
      prev,
      matchOf,
      opOf,
      optional,
      bits,
      zLo,
      zHi,
      stackEntry,
      stackState: new Array<State>(n),
      best,
      regs,
      stateBox: [model.init()],
      // Small histories are common (one key of many): start small, grow by doubling.
      cache: new ConfigCache<State>(words, model.equal, Math.min(1024, Math.max(64, 1 << Math.ceil(Math.log2(2 * n + 1))))),
      maxCache: options.maxCacheEntries ?? Infinity,
    };
    if (required === 0) this.status = 'linearizable';
  }

  /** Does at most `budget` steps; returns the status after them. */
  run(budget: number): SearchStatus {
    if (this.status !== 'running') return this.status;
    const code = searchLoop(this.frame, budget);
    this.steps += this.frame.regs[R_SPENT]!;
    this.status = STATUS[code]!;
    return this.status;
  }

  /**
   * The longest order of ops found that fits the model (op indexes, in order). For a linearizable
   * part, one complete linearization of its required ops.
   */
  longest(): number[] {
    const { best, opOf, regs } = this.frame;
    const out: number[] = [];
    for (let i = 0; i < regs[R_BEST]!; i++) out.push(opOf[best[i]!]!);
    return out;
  }

  /** Configurations in the cache. */
  get cacheEntries(): number {
    return this.frame.cache.size;
  }

  /** Frees the cache once the search is over (its verdict, steps and longest order stay). */
  release(): void {
    if (this.status === 'running') this.status = 'cache-full';
    this.frame.cache.release();
    this.frame.stackState.length = 0;
  }
}

/** Everything the loop works on. */
interface Frame<State, Prepared> {
  model: SearchModel<State, Prepared>;
  ops: readonly Prepared[];
  next: Int32Array;
  prev: Int32Array;
  /** For a call entry, its return entry; 0 for returns and the tail. */
  matchOf: Int32Array;
  opOf: Int32Array;
  /** 1 for an op of unknown outcome: it need not be placed. */
  optional: Uint8Array;
  /** The ops taken so far. */
  bits: Int32Array;
  /** Zobrist keys of the ops: the hash of a set is the XOR of its members' keys. */
  zLo: Int32Array;
  zHi: Int32Array;
  /** Entries taken, in order, and the state before each. */
  stackEntry: Int32Array;
  stackState: State[];
  /** The longest stack seen (its length is regs[R_BEST]). */
  best: Int32Array;
  /**
   * Cursor, depth, ops still required, the set's hash (lo, hi), the longest depth, steps spent.
   * A typed array, not fields: hashes outside V8's small-integer range would change the fields'
   * representation and cost the optimized loop.
   */
  regs: Int32Array;
  /** The current state, boxed for the same reason (its type may vary). */
  stateBox: State[];
  cache: ConfigCache<State>;
  maxCache: number;
}

/**
 * The search itself, at most `budget` steps from where `f.regs` says it stands. A plain function
 * that ends by writing into arrays it was given and returning a number: code after a hot loop that
 * reads a property or calls a method runs too rarely for V8 to learn it, and the optimized loop
 * would be thrown away at every exit.
 */
function searchLoop<State, Prepared>(f: Frame<State, Prepared>, budget: number): number {
  const { next, prev, matchOf, opOf, ops, optional, bits, zLo, zHi, stackEntry, stackState, best, regs, stateBox, cache, maxCache } = f;
  const step = f.model.step;
  const hash = f.model.hash;
  let state = stateBox[0] as State;
  let e = regs[R_CURSOR]!;
  let depth = regs[R_DEPTH]!;
  let hLo = regs[R_LO]!;
  let hHi = regs[R_HI]!;
  let requiredLeft = regs[R_REQUIRED]!;
  let bestDepth = regs[R_BEST]!;
  let left = budget;
  let status = RUNNING;

  while (left > 0) {
    left--;
    const r = matchOf[e]!;
    if (r !== 0) {
      // A call: can its op take effect now?
      const op = opOf[e]!;
      const after = step(state, ops[op]!);
      if (after !== undefined) {
        const lo = hLo ^ zLo[op]!;
        const hi = hHi ^ zHi[op]!;
        const mix = hash === undefined ? 0 : Math.imul(hash(after), 0x9e3779b1);
        if (!cache.seenOrAdd(lo ^ mix, hi ^ (mix >>> 7), bits, op, after)) {
          if (cache.size > maxCache) {
            status = CACHE_FULL;
            break;
          }
          stackEntry[depth] = e;
          stackState[depth] = state;
          depth++;
          state = after;
          bits[op >>> 5]! |= 1 << (op & 31);
          hLo = lo;
          hHi = hi;
          if (optional[op] === 0 && --requiredLeft === 0) {
            status = LINEARIZABLE;
            break;
          }
          // lift: take the call and its return out of the list
          next[prev[e]!] = next[e]!;
          prev[next[e]!] = prev[e]!;
          next[prev[r]!] = next[r]!;
          prev[next[r]!] = prev[r]!;
          e = next[HEAD]!;
          continue;
        }
      }
      e = next[e]!;
      continue;
    }
    // A return (or the tail): the op owning it did not fit anywhere before it. Backtrack.
    if (depth === 0) {
      status = ILLEGAL;
      break;
    }
    if (depth > bestDepth) {
      bestDepth = depth;
      for (let i = 0; i < depth; i++) best[i] = stackEntry[i]!;
    }
    depth--;
    e = stackEntry[depth]!;
    state = stackState[depth] as State;
    stackState[depth] = undefined as State; // let the state be collected
    const op = opOf[e]!;
    bits[op >>> 5]! &= ~(1 << (op & 31));
    hLo ^= zLo[op]!;
    hHi ^= zHi[op]!;
    if (optional[op] === 0) requiredLeft++;
    // unlift: put the return back, then the call
    const rr = matchOf[e]!;
    next[prev[rr]!] = rr;
    prev[next[rr]!] = rr;
    next[prev[e]!] = e;
    prev[next[e]!] = e;
    e = next[e]!;
  }

  if (status === LINEARIZABLE) {
    bestDepth = depth;
    for (let i = 0; i < depth; i++) best[i] = stackEntry[i]!;
  }
  stateBox[0] = state;
  regs[R_CURSOR] = e;
  regs[R_DEPTH] = depth;
  regs[R_LO] = hLo;
  regs[R_HI] = hHi;
  regs[R_REQUIRED] = requiredLeft;
  regs[R_BEST] = bestDepth;
  regs[R_SPENT] = budget - left;
  return status;
}

/**
 * The (set of ops taken, state) pairs already explored: a chained hash table over typed arrays.
 * The key is the set's Zobrist hash (lo, hi), mixed with the state's hash when the model gives
 * one; a hit is confirmed on the full bitset and on the state. A bitset is copied only on insert.
 */
const RELEASED = new Int32Array(1);

class ConfigCache<State> {
  size = 0;
  private mask: number;
  private heads: Int32Array;
  private chain: Int32Array;
  private keyLo: Int32Array;
  private keyHi: Int32Array;
  private keyBits: Int32Array;
  private keyState: State[] = [];

  /** @param capacity a power of two: the first table size (it doubles as needed) */
  constructor(
    private readonly words: number,
    private readonly equal: ((a: State, b: State) => boolean) | undefined,
    capacity: number,
  ) {
    this.mask = capacity - 1;
    const buffer = new Int32Array(capacity * (4 + words));
    this.heads = buffer.subarray(0, capacity);
    this.chain = buffer.subarray(capacity, 2 * capacity);
    this.keyLo = buffer.subarray(2 * capacity, 3 * capacity);
    this.keyHi = buffer.subarray(3 * capacity, 4 * capacity);
    this.keyBits = buffer.subarray(4 * capacity);
  }

  /** Whether (bits + op, state) was seen before; if not, records it. */
  seenOrAdd(lo: number, hi: number, bits: Int32Array, op: number, state: State): boolean {
    const words = this.words;
    const w = op >>> 5;
    const m = 1 << (op & 31);
    const { keyLo, keyHi, keyBits, chain } = this;
    for (let k = this.heads[lo & this.mask]!; k !== 0; k = chain[k - 1]!) {
      const x = k - 1;
      if (keyLo[x] !== lo || keyHi[x] !== hi) continue;
      const base = x * words;
      let same = true;
      for (let i = 0; i < words; i++) {
        const want = i === w ? bits[i]! | m : bits[i]!;
        if (keyBits[base + i] !== want) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      const other = this.keyState[x]!;
      if (this.equal === undefined ? other === state : this.equal(other, state)) return true;
    }
    this.add(lo, hi, bits, w, m, state);
    return false;
  }

  private add(lo: number, hi: number, bits: Int32Array, w: number, m: number, state: State): void {
    if (this.size >= this.keyLo.length) this.growEntries();
    if (this.size >= ((this.mask + 1) >>> 1) + ((this.mask + 1) >>> 2)) this.growTable();
    const x = this.size++;
    const words = this.words;
    this.keyLo[x] = lo;
    this.keyHi[x] = hi;
    const base = x * words;
    for (let i = 0; i < words; i++) this.keyBits[base + i] = bits[i]!;
    this.keyBits[base + w]! |= m;
    this.keyState[x] = state;
    const slot = lo & this.mask;
    this.chain[x] = this.heads[slot]!;
    this.heads[slot] = x + 1;
  }

  private growEntries(): void {
    const cap = this.keyLo.length * 2;
    const grow = (a: Int32Array, size: number) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.keyLo = grow(this.keyLo, cap);
    this.keyHi = grow(this.keyHi, cap);
    this.chain = grow(this.chain, cap);
    this.keyBits = grow(this.keyBits, cap * this.words);
  }

  private growTable(): void {
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.heads = new Int32Array(cap);
    for (let x = 0; x < this.size; x++) {
      const slot = this.keyLo[x]! & this.mask;
      this.chain[x] = this.heads[slot]!;
      this.heads[slot] = x + 1;
    }
  }

  release(): void {
    this.size = 0;
    this.mask = 0;
    this.heads = this.chain = this.keyLo = this.keyHi = this.keyBits = RELEASED;
    this.keyState = [];
  }
}
