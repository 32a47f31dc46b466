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
 * One pruning of our own on top: a read-only op (the model's `readOnly`: when `step` accepts it,
 * the state stays as it is) that fits the state now is placed at once, and if nothing can follow
 * it, nothing can follow the configuration before it either, so no other op is tried there. Why
 * that loses no linearization: take any one that goes on from here and has the read somewhere
 * later (or nowhere, when its outcome is unknown); moving the read to the front keeps every state
 * (it changes none, and it fits now) and every real-time order (what had to come before it has
 * been placed already: its call comes before the first return still in the list).
 *
 * The search is resumable: `run(budget)` does at most `budget` steps and reports where it stands,
 * so a caller can interleave several parts (as Porcupine runs them in parallel) and watch a clock.
 * No I/O, no clock: pure computation over arrays.
 *
 * Memory: the cache's size is counted in bytes and bounded (`maxBytes`); reaching the bound pauses
 * the search (status `memory-budget`) without losing its place, so a caller may give it more room
 * and go on, or give up. A configuration is stored in a few words, not as a set of all the ops:
 * with the ops that completed ranked by return, a configuration's set is "every op up to the
 * frontier (the first one not taken), and some beyond it" (those beyond it were all called before
 * the frontier op returned, so they are the ops in flight then, give or take a slow one). So it is
 * stored as the frontier and the words of the rank bitset from the frontier's to the highest rank
 * taken (usually one or two), plus a bitset of the ops of unknown outcome taken; in pages that are
 * never copied as the cache grows.
 */

export type SearchStatus = 'running' | 'linearizable' | 'illegal' | 'memory-budget';

export interface SearchModel<State, Prepared> {
  init(): State;
  step(state: State, op: Prepared): State | undefined;
  equal?(a: State, b: State): boolean;
  hash?(state: State): number;
}

export interface SearchOptions {
  /**
   * Pause (status `memory-budget`) rather than let the cache grow past this many bytes: its typed
   * arrays, plus 8 bytes a configuration for the reference to its state. Infinity by default.
   */
  maxBytes?: number;
  /**
   * Per op: 1 when the op is read-only (when the model accepts it, the state is unchanged), so it
   * may be placed as soon as it fits. All 0 when absent.
   */
  readOnly?: ArrayLike<number | boolean>;
  /**
   * Whether to look ahead, at each new configuration, for a read-only op that fits (true), or
   * only place one without alternatives where the walk meets it (false). By default the search
   * looks ahead, and stops after LOOK_TRIAL configurations if that rarely pays.
   */
  lookAhead?: boolean;
}

const HEAD = 0;

// Slots of the registers array: where the search stands between two `run` calls.
const R_CURSOR = 0;
const R_DEPTH = 1;
const R_REQUIRED = 2;
const R_LO = 3;
const R_BEST = 5;
const R_SPENT = 6;
const R_FRONTIER = 7;
const R_TOP = 8;
const R_PHASE = 9;
/** 1 while the search looks ahead for read-only ops (SCAN), 0 once it no longer does. */
const R_LOOK = 10;
/** Look-aheads done, and those that placed an op, until the search decides (then -1). */
const R_SCANS = 11;
const R_HITS = 12;
const REGISTERS = 13;

/**
 * The look-ahead costs a walk per configuration. After this many, a search where it placed an op
 * at fewer than one in LOOK_PAYS stops looking ahead, and places a read-only op without
 * alternatives only where the walk meets it (measured: on Porcupine's etcd logs it places one at
 * 0.3-5 % of configurations and doubles the steps; on our register histories, at 20-50 %).
 */
const LOOK_TRIAL = 4096;
const LOOK_PAYS = 10;

// Phases of the walk from the front of the list: first a look for a read-only op that fits (it
// is placed without trying anything else), then every op in turn.
const SCAN = 0;
const WALK = 1;

// What the loop returns.
const RUNNING = 0;
const LINEARIZABLE = 1;
const ILLEGAL = 2;
const MEMORY = 3;
const STATUS: SearchStatus[] = ['running', 'linearizable', 'illegal', 'memory-budget'];

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
  private configurationsAtRelease = 0;
  private peak = 0;

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

    let optionalCount = 0;
    for (let op = 0; op < n; op++) if (returns[op] === Infinity) optionalCount++;
    const finiteCount = n - optionalCount;
    const rankWords = Math.max(1, (finiteCount + 31) >>> 5);
    const optionalWords = (optionalCount + 31) >>> 5;

    // One buffer for the fixed-size arrays: small histories are common (one key of many), and
    // each separate typed array costs an allocation.
    const tail = 2 * n + 1;
    const sizes = [tail + 1, tail + 1, tail + 1, tail + 1, n, n, n, n, n, n, n, n, rankWords, optionalWords, 1 + rankWords + optionalWords, REGISTERS];
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
    const stackEntry = take(n);
    const stackFrontier = take(n);
    const stackTop = take(n);
    const best = take(n);
    const slot = take(n);
    const rankBits = take(rankWords);
    const optionalBits = take(optionalWords);
    const key = take(1 + rankWords + optionalWords);
    const regs = take(REGISTERS);
    const flags = new Uint8Array(2 * n);
    const readOnly = flags.subarray(0, n);
    const forced = flags.subarray(n);

    // The entries by time, calls before returns at equal times (ops that touch are concurrent),
    // then by op: merge the calls and the returns, each sorted by time.
    const byCall = sortedByTime(calls);
    const byReturn = sortedByTime(returns);
    let rank = 0;
    for (let i = 0, j = 0, p = 1; p <= 2 * n; p++) {
      if (i < n && (j >= n || calls[byCall[i]!]! <= returns[byReturn[j]!]!)) {
        const op = byCall[i++]!;
        opOf[p] = op;
        this.callPos[op] = p;
      } else {
        const op = byReturn[j++]!;
        opOf[p] = op;
        this.returnPos[op] = p;
        // An op that completed is known by its rank in return order; one of unknown outcome by
        // its place among those (as -1 - place).
        slot[op] = returns[op] === Infinity ? -1 - (rank++ - finiteCount) : rank++;
      }
    }
    for (let op = 0; op < n; op++) matchOf[this.callPos[op]!] = this.returnPos[op]!;
    for (let i = 0; i <= tail; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    if (options.readOnly) for (let op = 0; op < n; op++) readOnly[op] = options.readOnly[op] ? 1 : 0;

    // Zobrist keys from splitmix32 with a fixed seed, so runs are reproducible.
    for (let i = 0, seed = 0x2545f491; i < n; i++) {
      seed = (seed + 0x9e3779b9) | 0;
      let z = Math.imul(seed ^ (seed >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      zLo[i] = z ^ (z >>> 16);
    }

    regs[R_CURSOR] = next[HEAD]!;
    regs[R_REQUIRED] = finiteCount;
    regs[R_BEST] = -1;
    regs[R_TOP] = -1;
    regs[R_PHASE] = SCAN;
    regs[R_LOOK] = readOnly.includes(1) && options.lookAhead !== false ? 1 : 0;
    regs[R_SCANS] = options.lookAhead === undefined ? 0 : -1;
    const ownBytes = buffer.byteLength + flags.byteLength + 8 * n;
    this.frame = {
      model,
      ops,
      next,
      prev,
      matchOf,
      opOf,
      slot,
      readOnly,
      forced,
      rankBits,
      optionalBits,
      key,
      zLo,
      stackEntry,
      stackFrontier,
      stackTop,
      stackState: [],
      best,
      regs,
      stateBox: [model.init()],
      cache: new ConfigCache<State>(model.equal, 1 + rankWords + optionalWords, ownBytes, options.maxBytes ?? Infinity),
    };
    this.peak = this.frame.cache.bytes;
    if (finiteCount === 0) this.status = 'linearizable';
  }

  /**
   * Does at most `budget` steps; returns the status after them. After `memory-budget` (a pause),
   * it tries again from where the search stopped: give it a higher `maxBytes` first.
   */
  run(budget: number): SearchStatus {
    if (this.status !== 'running' && this.status !== 'memory-budget') return this.status;
    if (this.frame.cache.released) throw new Error('LinearizationSearch: run after release');
    const code = searchLoop(this.frame, budget);
    this.steps += this.frame.regs[R_SPENT]!;
    this.status = STATUS[code]!;
    this.peak = Math.max(this.peak, this.frame.cache.bytes);
    return this.status;
  }

  /** The bound on `bytes`; raise it to let a search paused at `memory-budget` go on. */
  get maxBytes(): number {
    return this.frame.cache.maxBytes;
  }

  set maxBytes(bytes: number) {
    this.frame.cache.maxBytes = bytes;
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

  /** Configurations in the cache (at release, once released). */
  get configurations(): number {
    return this.frame.cache.released ? this.configurationsAtRelease : this.frame.cache.size;
  }

  /** Bytes the search holds now: its cache and its own arrays (0 once released). */
  get bytes(): number {
    return this.frame.cache.released ? 0 : this.frame.cache.bytes;
  }

  /** The most bytes it held. */
  get peakBytes(): number {
    return this.peak;
  }

  /** Frees the cache once the search is over or given up (its status, steps and longest order stay). */
  release(): void {
    if (this.frame.cache.released) return;
    this.configurationsAtRelease = this.frame.cache.size;
    this.peak = Math.max(this.peak, this.frame.cache.bytes);
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
  /** Per op: its rank in return order (>= 0), or -1 - its place among the ops of unknown outcome. */
  slot: Int32Array;
  readOnly: Uint8Array;
  /** Per depth: 1 when the op taken there was a read-only op placed without alternatives. */
  forced: Uint8Array;
  /** The ops taken that completed, by rank; and those of unknown outcome, by place. */
  rankBits: Int32Array;
  optionalBits: Int32Array;
  /** Scratch: the stored form of the configuration being looked up. */
  key: Int32Array;
  /** Zobrist keys of the ops: the hash of a set is the XOR of its members' keys. */
  zLo: Int32Array;
  /** Entries taken, in order, and the frontier, highest rank and state before each. */
  stackEntry: Int32Array;
  stackFrontier: Int32Array;
  stackTop: Int32Array;
  stackState: State[];
  /** The longest stack seen (its length is regs[R_BEST]). */
  best: Int32Array;
  /**
   * Cursor, depth, ops still required, the set's hash, the longest depth, steps spent,
   * frontier, highest rank taken, phase. A typed array, not fields: hashes outside V8's small-integer range
   * would change the fields' representation and cost the optimized loop.
   */
  regs: Int32Array;
  /** The current state, boxed for the same reason (its type may vary). */
  stateBox: State[];
  cache: ConfigCache<State>;
}

/**
 * The search itself, at most `budget` steps from where `f.regs` says it stands. A plain function
 * that ends by writing into arrays it was given and returning a number: code after a hot loop that
 * reads a property or calls a method runs too rarely for V8 to learn it, and the optimized loop
 * would be thrown away at every exit.
 */
function searchLoop<State, Prepared>(f: Frame<State, Prepared>, budget: number): number {
  const { next, prev, matchOf, opOf, ops, slot, readOnly, forced, rankBits, optionalBits, key, zLo } = f;
  const { stackEntry, stackFrontier, stackTop, stackState, best, regs, stateBox, cache } = f;
  const step = f.model.step;
  const hash = f.model.hash;
  const equal = f.model.equal;
  const optionalWords = optionalBits.length;
  const rankCount = rankBits.length * 32;
  let state = stateBox[0] as State;
  let e = regs[R_CURSOR]!;
  let depth = regs[R_DEPTH]!;
  let hLo = regs[R_LO]!;
  let requiredLeft = regs[R_REQUIRED]!;
  let bestDepth = regs[R_BEST]!;
  let frontier = regs[R_FRONTIER]!;
  let top = regs[R_TOP]!;
  let look = regs[R_LOOK]!;
  let scans = regs[R_SCANS]!;
  let hits = regs[R_HITS]!;
  let phase = regs[R_PHASE] === SCAN && look === 1 ? SCAN : WALK;
  let left = budget;
  let status = RUNNING;

  while (left > 0) {
    left--;
    const r = matchOf[e]!;
    if (r !== 0) {
      // A call: can its op take effect now? While scanning, only read-only ops are tried; while
      // walking, the others (and the read-only ones too when the configuration was not scanned).
      // A read-only op that fits is placed without alternatives.
      const op = opOf[e]!;
      if (phase === SCAN ? readOnly[op] === 0 : readOnly[op] === 1 && look === 1) {
        e = next[e]!;
        continue;
      }
      const after = step(state, ops[op]!);
      const isForced = after !== undefined && readOnly[op] === 1 && (after === state || (equal !== undefined && equal(after, state)));
      if (after === undefined || (phase === SCAN && !isForced)) {
        e = next[e]!;
        continue;
      }
      // The configuration with op taken, in its stored form: its frontier, and key = [n, n words
      // of the rank bitset from the frontier's word to the highest rank's, the unknown ops' bits].
      const s = slot[op]!;
      let newFrontier = frontier;
      let newTop = top;
      if (s >= 0) {
        if (s > newTop) newTop = s;
        if (s === frontier) {
          // The next rank not taken, past s.
          newFrontier = rankCount;
          for (let at = s + 1; at < rankCount; at = (at | 31) + 1) {
            const open = ~rankBits[at >>> 5]! & (-1 << (at & 31));
            if (open !== 0) {
              newFrontier = (at & ~31) + 31 - Math.clz32(open & -open);
              break;
            }
          }
        }
      }
      const from = newFrontier >>> 5;
      const words = newTop < newFrontier ? 0 : (newTop >>> 5) - from + 1;
      // Where op's own bit goes: in the window (finite op) or in the unknown ops' bits.
      const rankAt = s >= 0 ? (s >>> 5) - from : -1;
      const optionalAt = s < 0 ? (-1 - s) >>> 5 : -1;
      const bit = 1 << ((s >= 0 ? s : -1 - s) & 31);
      const lo = (hLo ^ zLo[op]! ^ (hash === undefined ? 0 : Math.imul(hash(after), 0x9e3779b1))) | 0;
      if (cache.has(lo, newFrontier, after, rankBits, from, words, rankAt, optionalBits, optionalAt, bit)) {
        if (!isForced) {
          e = next[e]!;
          continue;
        }
        // A read-only op that fits leads where the search has been: so does this configuration
        // (backtrack, below).
      } else {
        key[0] = words;
        for (let w = 0; w < words; w++) key[1 + w] = rankBits[from + w]!;
        if (rankAt >= 0 && words > 0) key[1 + rankAt]! |= bit;
        for (let w = 0; w < optionalWords; w++) key[1 + words + w] = optionalBits[w]!;
        if (optionalAt >= 0) key[1 + words + optionalAt]! |= bit;
        if (!cache.add(lo, newFrontier, key, 1 + words + optionalWords, after)) {
          status = MEMORY;
          break;
        }
        stackEntry[depth] = e;
        stackFrontier[depth] = frontier;
        stackTop[depth] = top;
        stackState[depth] = state;
        forced[depth] = isForced ? 1 : 0;
        depth++;
        state = after;
        hLo ^= zLo[op]!;
        if (s >= 0) {
          rankBits[s >>> 5]! |= 1 << (s & 31);
          frontier = newFrontier;
          top = newTop;
          if (--requiredLeft === 0) {
            status = LINEARIZABLE;
            bestDepth = depth;
            for (let i = 0; i < depth; i++) best[i] = stackEntry[i]!;
            break;
          }
        } else {
          optionalBits[(-1 - s) >>> 5]! |= 1 << ((-1 - s) & 31);
        }
        // lift: take the call and its return out of the list
        next[prev[e]!] = next[e]!;
        prev[next[e]!] = prev[e]!;
        next[prev[r]!] = next[r]!;
        prev[next[r]!] = prev[r]!;
        if (phase === SCAN) {
          // The state is as it was, so the read-only ops before this one still do not fit: the
          // scan goes on after it (its removed entries still point into the list).
          e = next[e]! === r ? next[r]! : next[e]!;
          if (scans >= 0) hits++;
        } else {
          e = next[HEAD]!;
          phase = look === 1 ? SCAN : WALK;
        }
        continue;
      }
    } else if (phase === SCAN) {
      // The scan reached a return: no read-only op fits. Walk the others.
      phase = WALK;
      e = next[HEAD]!;
      if (scans >= 0) {
        // Evaluated every time, not once: a comparison the optimizing compiler has never seen run
        // would throw the optimized loop away when it first runs.
        scans++;
        const decided = scans >= LOOK_TRIAL;
        const pays = hits * LOOK_PAYS >= scans;
        look = decided && !pays ? 0 : look;
        scans = decided ? -1 : scans;
      }
      continue;
    }
    // A return while walking (the op owning it fits nowhere before it), or a configuration known to
    // lead nowhere: backtrack, past every op placed without alternatives.
    do {
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
      hLo ^= zLo[op]!;
      const s = slot[op]!;
      if (s >= 0) {
        rankBits[s >>> 5]! &= ~(1 << (s & 31));
        requiredLeft++;
        frontier = stackFrontier[depth]!;
        top = stackTop[depth]!;
      } else {
        optionalBits[(-1 - s) >>> 5]! &= ~(1 << ((-1 - s) & 31));
      }
      // unlift: put the return back, then the call
      const rr = matchOf[e]!;
      next[prev[rr]!] = rr;
      prev[next[rr]!] = rr;
      next[prev[e]!] = e;
      prev[next[e]!] = e;
    } while (forced[depth] === 1);
    if (status === ILLEGAL) break;
    phase = WALK;
    e = next[e]!;
  }

  // Nothing but stores after the loop: a comparison here would run once per slice, too rarely for
  // the optimizing compiler to have seen it, and throw the optimized loop away at every exit.
  stateBox[0] = state;
  regs[R_CURSOR] = e;
  regs[R_DEPTH] = depth;
  regs[R_LO] = hLo;
  regs[R_REQUIRED] = requiredLeft;
  regs[R_BEST] = bestDepth;
  regs[R_SPENT] = budget - left;
  regs[R_FRONTIER] = frontier;
  regs[R_TOP] = top;
  regs[R_PHASE] = phase;
  regs[R_LOOK] = look;
  regs[R_SCANS] = scans;
  regs[R_HITS] = hits;
  return status;
}

// The cache's storage. A configuration is a record of four int32 (hash, chain, offset of its key,
// frontier) in pages of 2^16 records; its key in a pool of pages; its state in pages of plain
// arrays. Pages are added, never copied, but for the first of each, which starts small (most parts
// are small) and doubles up to a full page. The hash table is one table while the cache is small,
// then 64 tables chosen by the hash's top bits, each doubling on its own, so no single rehash holds
// the search up for long.
const PAGE_BITS = 16;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;
const RECORD = 4;
const TABLES = 64;
/** Configurations past which the one table becomes 64. */
const SPLIT_AT = 1 << 20;
const FIRST_RECORDS = 64;
const FIRST_POOL = 1024;
const FIRST_TABLE = 64;
const MAX_POOL_WORDS = 2 ** 32;
/** What a configuration costs beyond its typed arrays: the reference to its state. */
const STATE_BYTES = 8;

const RELEASED = new Int32Array(0);

class ConfigCache<State> {
  size = 0;
  /** Bytes held: typed arrays allocated, the owner's own arrays, and STATE_BYTES a configuration. */
  bytes: number;
  released = false;
  private readonly records: Int32Array[] = [];
  private readonly states: State[][] = [];
  /** Records the pages hold. */
  private recordRoom = 0;
  private readonly pool: Int32Array[] = [];
  private readonly poolBits: number;
  /** Next free word of the pool, and the end of the room allocated (global offsets). */
  private poolTop = 0;
  private poolEnd = 0;
  private heads: Int32Array[];
  private masks: Int32Array;
  private counts: Int32Array;
  /** 0 while there is one table, TABLES - 1 after the split. */
  private tableMask = 0;

  /**
   * @param longestKey the most words a key can take
   * @param baseBytes bytes the owner holds besides the cache, counted against maxBytes
   */
  constructor(
    private readonly equal: ((a: State, b: State) => boolean) | undefined,
    longestKey: number,
    baseBytes: number,
    public maxBytes: number,
  ) {
    this.poolBits = Math.max(20, Math.ceil(Math.log2(longestKey + 1)));
    this.heads = [new Int32Array(FIRST_TABLE)];
    this.masks = new Int32Array([FIRST_TABLE - 1]);
    this.counts = new Int32Array(1);
    this.bytes = baseBytes + FIRST_TABLE * 4;
  }

  /**
   * Whether the configuration is in the cache: hash lo, frontier, state, and the set read from the
   * live bitsets (`words` words of rankBits from `from`, and optionalBits) with one more bit, `bit`,
   * set at word `rankAt` of the window or word `optionalAt` of the unknown ops' bits (-1: not
   * there). Reading them in place spares building the key for every look-up.
   */
  has(
    lo: number,
    frontier: number,
    state: State,
    rankBits: Int32Array,
    from: number,
    words: number,
    rankAt: number,
    optionalBits: Int32Array,
    optionalAt: number,
    bit: number,
  ): boolean {
    const t = (lo >>> 26) & this.tableMask;
    const { records, states, pool, poolBits, equal } = this;
    const poolMask = (1 << poolBits) - 1;
    const optionalWords = optionalBits.length;
    for (let k = this.heads[t]![lo & this.masks[t]!]!; k !== 0; ) {
      const x = k - 1;
      const page = records[x >>> PAGE_BITS]!;
      const at = (x & PAGE_MASK) * RECORD;
      k = page[at + 1]!;
      if (page[at] !== lo || page[at + 3] !== frontier) continue;
      // The state first: configurations of one set differ by their state more often than not.
      const other = states[x >>> PAGE_BITS]![x & PAGE_MASK]!;
      if (other !== state && (equal === undefined || !equal(other, state))) continue;
      const offset = page[at + 2]!;
      const stored = pool[offset >>> poolBits]!;
      let i = offset & poolMask;
      if (stored[i++] !== words) continue;
      let same = true;
      for (let w = 0; w < words && same; w++) same = stored[i++] === (w === rankAt ? rankBits[from + w]! | bit : rankBits[from + w]);
      for (let w = 0; w < optionalWords && same; w++) same = stored[i++] === (w === optionalAt ? optionalBits[w]! | bit : optionalBits[w]);
      if (same) return true;
    }
    return false;
  }

  /** Records a configuration `has` did not find; false (and nothing changed) when over budget. */
  add(lo: number, frontier: number, key: Int32Array, words: number, state: State): boolean {
    if ((this.size === this.recordRoom || this.poolTop + words > this.poolEnd) && !this.makeRoom(words)) return false;
    if (this.bytes + STATE_BYTES > this.maxBytes) return false;
    this.bytes += STATE_BYTES;
    const offset = this.poolTop;
    const pool = this.pool[offset >>> this.poolBits]!;
    const base = offset & ((1 << this.poolBits) - 1);
    for (let i = 0; i < words; i++) pool[base + i] = key[i]!;
    this.poolTop = offset + words;

    const x = this.size++;
    const t = (lo >>> 26) & this.tableMask;
    const heads = this.heads[t]!;
    const bucket = lo & this.masks[t]!;
    const page = this.records[x >>> PAGE_BITS]!;
    const at = (x & PAGE_MASK) * RECORD;
    page[at] = lo;
    page[at + 1] = heads[bucket]!;
    page[at + 2] = offset | 0;
    page[at + 3] = frontier;
    heads[bucket] = x + 1;
    this.states[x >>> PAGE_BITS]!.push(state);
    const count = this.counts[t]! + 1;
    this.counts[t] = count;
    if (count > heads.length) {
      if (this.tableMask === 0 && this.size >= SPLIT_AT) this.split();
      else if (this.bytes + heads.length * 8 <= this.maxBytes) this.rehash(t);
    }
    return true;
  }

  /** Room for one more record and a key of `words`: a new page, or the first page doubled. */
  private makeRoom(words: number): boolean {
    const x = this.size;
    const p = x >>> PAGE_BITS;
    let recordLength = 0;
    if (x === this.recordRoom) recordLength = p === this.records.length ? (p === 0 ? FIRST_RECORDS : PAGE) * RECORD : 2 * this.records[0]!.length;
    const recordBytes = recordLength === 0 ? 0 : (recordLength - (p === 0 && this.records.length > 0 ? this.records[0]!.length : 0)) * 4;
    // A key never straddles two pages.
    const poolPage = 2 ** this.poolBits;
    let offset = this.poolTop;
    let q = Math.floor(offset / poolPage);
    if (offset - q * poolPage + words > poolPage) offset = ++q * poolPage;
    let poolLength = 0;
    if (q === this.pool.length) poolLength = q === 0 ? Math.max(FIRST_POOL, 2 ** Math.ceil(Math.log2(words))) : poolPage;
    else if (q === 0 && offset + words > this.pool[0]!.length) poolLength = Math.min(poolPage, 2 ** Math.ceil(Math.log2(offset + words)));
    const poolBytes = poolLength === 0 ? 0 : (poolLength - (q === 0 && this.pool.length > 0 ? this.pool[0]!.length : 0)) * 4;
    if (this.bytes + recordBytes + poolBytes + STATE_BYTES > this.maxBytes || offset + words > MAX_POOL_WORDS) return false;
    if (recordLength > 0) {
      if (p === this.records.length) {
        this.records.push(new Int32Array(recordLength));
        this.states.push([]);
      } else this.records[0] = grown(this.records[0]!, recordLength);
      this.recordRoom = p * PAGE + recordLength / RECORD;
    }
    if (poolLength > 0) {
      if (q === this.pool.length) this.pool.push(new Int32Array(poolLength));
      else this.pool[0] = grown(this.pool[0]!, poolLength);
    }
    this.poolTop = offset;
    this.poolEnd = q * poolPage + this.pool[q]!.length;
    this.bytes += recordBytes + poolBytes;
    return true;
  }

  /** Doubles table t: the records of its chains go to their new buckets. */
  private rehash(t: number): void {
    const old = this.heads[t]!;
    const heads = new Int32Array(old.length * 2);
    const mask = heads.length - 1;
    for (let b = 0; b < old.length; b++) {
      for (let k = old[b]!; k !== 0; ) {
        const x = k - 1;
        const page = this.records[x >>> PAGE_BITS]!;
        const at = (x & PAGE_MASK) * RECORD;
        const after = page[at + 1]!;
        const bucket = page[at]! & mask;
        page[at + 1] = heads[bucket]!;
        heads[bucket] = k;
        k = after;
      }
    }
    this.heads[t] = heads;
    this.masks[t] = mask;
    this.bytes += old.byteLength;
  }

  /** The one table becomes 64, chosen by the hash's top bits (once, at SPLIT_AT configurations). */
  private split(): void {
    const size = 2 ** Math.ceil(Math.log2((2 * this.size) / TABLES));
    const old = this.heads[0]!;
    this.heads = Array.from({ length: TABLES }, () => new Int32Array(size));
    this.masks = new Int32Array(TABLES).fill(size - 1);
    this.counts = new Int32Array(TABLES);
    this.tableMask = TABLES - 1;
    for (let x = 0; x < this.size; x++) {
      const page = this.records[x >>> PAGE_BITS]!;
      const at = (x & PAGE_MASK) * RECORD;
      const lo = page[at]!;
      const t = lo >>> 26;
      const heads = this.heads[t]!;
      const bucket = lo & (size - 1);
      page[at + 1] = heads[bucket]!;
      heads[bucket] = x + 1;
      this.counts[t]!++;
    }
    this.bytes += TABLES * size * 4 + TABLES * 8 - old.byteLength;
  }

  release(): void {
    this.released = true;
    this.records.length = 0;
    this.states.length = 0;
    this.pool.length = 0;
    this.heads = [RELEASED];
    this.masks = new Int32Array(1);
    this.tableMask = 0;
  }
}

function grown(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}

/**
 * Runs every path of the loop once on a made-up history of a few ops, a few steps at a time, when
 * the module loads (a few milliseconds). The optimizing compiler builds the loop from what it has
 * seen run; a path it has not seen (the exit of a slice, a pause at the memory bound) would throw
 * the optimized loop away when it first runs, and on a long key that happens several times before
 * the code settles (measured: a fresh process spent 300-400 ms of a 64k-op check recompiling).
 */
function warmUp(): void {
  // A register of values that are null, numbers or strings (as ValueKey's are), with and without
  // a hash: writes, reads that see them, some overlapping, some of unknown outcome.
  type Op = { write: boolean; value: number | string | null };
  const plain: SearchModel<number | string | null, Op> = {
    init: () => null,
    step: (state, op) => (op.write ? op.value : op.value === state ? state : undefined),
  };
  const hashed: SearchModel<number | string | null, Op> = {
    ...plain,
    equal: (a, b) => a === b,
    hash: (state) => (typeof state === 'number' ? state : state === null ? 0 : state.length),
  };
  const ops: Op[] = [];
  const calls: number[] = [];
  const returns: number[] = [];
  for (let i = 0; i < 10; i++) {
    const write = i % 3 !== 2;
    const value = i % 2 === 0 ? i : `v${i}`;
    ops.push({ write, value: write ? value : ops[i - 1]!.value });
    calls.push(i * 2);
    returns.push(i % 7 === 6 ? Infinity : i * 2 + 5);
  }
  ops.push({ write: false, value: 'never written' }); // fits nowhere: the search backtracks through everything
  calls.push(30);
  returns.push(31);
  for (const model of [plain, hashed]) {
    for (const lookAhead of [true, false]) {
      const search = new LinearizationSearch(model, ops, calls, returns, { readOnly: ops.map((op) => !op.write), lookAhead, maxBytes: 0 });
      for (let i = 0; i < 2000 && search.status !== 'illegal'; i++) {
        search.maxBytes = search.bytes + (i % 4 === 0 ? 0 : 1 << 16);
        search.run(5);
      }
      search.release();
    }
  }
}

warmUp();
