/**
 * Fits completed ops that no version places (a read without a version, a cas whose compare failed)
 * into an order built from versions, by the model alone: each goes into the earliest gap that real
 * time allows and where the model accepts it without changing the state, so the rest of the order
 * replays as before. Only ops that change nothing can be fitted this way; any other op makes the
 * fit fail. A heuristic, like the order it extends: verify-order.ts has the last word.
 *
 * The gaps real time allows an op u: after every op that returned before u was called, before
 * every op called after u returned. With the order's ops sorted by return (prefix maximum of
 * position) and by call (suffix minimum), each bound is a binary search.
 */

export interface FitModel<State, Prepared> {
  init(): State;
  step(state: State, op: Prepared): State | undefined;
  equal?(a: State, b: State): boolean;
}

export type Fit = { order: number[] } | { why: string; op?: number };

/**
 * @param order indexes of ops already in order
 * @param unplaced indexes of the ops to fit in
 * @param budget gaps the model may be tried in, in all: the fit gives up beyond it
 */
export function placeUnversioned<State, Prepared>(
  model: FitModel<State, Prepared>,
  ops: readonly Prepared[],
  calls: ArrayLike<number>,
  returns: ArrayLike<number>,
  order: readonly number[],
  unplaced: readonly number[],
  budget = 8 * ops.length + 1024,
): Fit {
  if (unplaced.length === 0) return { order: [...order] };
  const m = order.length;
  const states: State[] = new Array<State>(m + 1);
  states[0] = model.init();
  for (let i = 0; i < m; i++) {
    const after = model.step(states[i]!, ops[order[i]!]!);
    if (after === undefined) return { why: 'the order by versions does not replay', op: order[i]! };
    states[i + 1] = after;
  }

  const byReturn = Int32Array.from({ length: m }, (_, i) => i).sort((a, b) => returns[order[a]!]! - returns[order[b]!]!);
  const latestBefore = new Int32Array(m);
  for (let k = 0, best = -1; k < m; k++) latestBefore[k] = best = Math.max(best, byReturn[k]!);
  const byCall = Int32Array.from({ length: m }, (_, i) => i).sort((a, b) => calls[order[a]!]! - calls[order[b]!]!);
  const earliestAfter = new Int32Array(m + 1);
  earliestAfter[m] = m;
  for (let k = m - 1; k >= 0; k--) earliestAfter[k] = Math.min(earliestAfter[k + 1]!, byCall[k]!);

  const gapOf = new Map<number, number[]>();
  let tries = 0;
  const same = (a: State, b: State) => a === b || (model.equal !== undefined && model.equal(a, b));
  for (const u of [...unplaced].sort((a, b) => calls[a]! - calls[b]! || a - b)) {
    // First gap: after every op that returned strictly before u's call.
    const returnedBefore = countBelow(m, (k) => returns[order[byReturn[k]!]!]! < calls[u]!);
    const lo = returnedBefore === 0 ? 0 : latestBefore[returnedBefore - 1]! + 1;
    // Last gap: before every op called strictly after u's return.
    const calledBy = countBelow(m, (k) => calls[order[byCall[k]!]!]! <= returns[u]!);
    const hi = earliestAfter[calledBy]!;
    let gap = -1;
    for (let g = lo; g <= hi; g++) {
      if (++tries > budget) return { why: 'too many places to try for the ops without a version', op: u };
      const after = model.step(states[g]!, ops[u]!);
      if (after !== undefined && same(after, states[g]!)) {
        gap = g;
        break;
      }
    }
    if (gap < 0) return { why: 'no place that real time allows fits the model', op: u };
    const list = gapOf.get(gap);
    if (list) list.push(u);
    else gapOf.set(gap, [u]);
  }

  const out: number[] = [];
  for (let g = 0; g <= m; g++) {
    const here = gapOf.get(g);
    if (here) out.push(...here);
    if (g < m) out.push(order[g]!);
  }
  return { order: out };
}

/** How many k in [0, m) satisfy `below`, which holds for a prefix. */
function countBelow(m: number, below: (k: number) => boolean): number {
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
