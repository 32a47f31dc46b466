/**
 * Whether one given order of a part's ops is a linearization: a proof that the part is
 * linearizable, whatever produced the order. Near-linear: one pass from the back for real time,
 * one pass from the front for the model. No search, no clock.
 *
 * An order is a linearization when (the checker's definition, the search's and the brute force's):
 * - every op that completed is in it once, and ops of unknown outcome (return +infinity) at most
 *   once (they may never have taken effect);
 * - it extends real time: no op comes before another that returned before it was called (at equal
 *   times a call comes first: ops that touch are concurrent). For each op, its call is at most the
 *   earliest return of all the ops after it; the back-to-front pass keeps that minimum;
 * - the model accepts it, step by step, from its initial state.
 */

export interface OrderModel<State, Prepared> {
  init(): State;
  step(state: State, op: Prepared): State | undefined;
}

/** Why an order is not a linearization (op and position are indexes into the part's arrays / the order). */
export type OrderFault =
  | { kind: 'missing'; op: number }
  | { kind: 'repeated'; op: number }
  | { kind: 'real-time'; op: number; at: number; returnedBefore: number }
  | { kind: 'model'; op: number; at: number };

/**
 * @param ops the part's ops, as the model's `step` takes them
 * @param calls call time of each op
 * @param returns return time of each op; Infinity: unknown outcome (optional)
 * @param order indexes into `ops`, in the order to check
 * @returns undefined when `order` is a linearization, else the first fault found
 */
export function verifyOrder<State, Prepared>(
  model: OrderModel<State, Prepared>,
  ops: readonly Prepared[],
  calls: ArrayLike<number>,
  returns: ArrayLike<number>,
  order: ArrayLike<number>,
): OrderFault | undefined {
  const n = ops.length;
  const seen = new Uint8Array(n);
  for (let i = 0; i < order.length; i++) {
    const op = order[i]!;
    if (!(op >= 0 && op < n) || seen[op]) return { kind: 'repeated', op };
    seen[op] = 1;
  }
  for (let op = 0; op < n; op++) if (!seen[op] && returns[op] !== Infinity) return { kind: 'missing', op };

  let earliest = Infinity;
  let earliestOp = -1;
  for (let i = order.length - 1; i >= 0; i--) {
    const op = order[i]!;
    if (calls[op]! > earliest) return { kind: 'real-time', op, at: i, returnedBefore: earliestOp };
    if (returns[op]! < earliest) {
      earliest = returns[op]!;
      earliestOp = op;
    }
  }

  let state = model.init();
  for (let i = 0; i < order.length; i++) {
    const after = model.step(state, ops[order[i]!]!);
    if (after === undefined) return { kind: 'model', op: order[i]!, at: i };
    state = after;
  }
  return undefined;
}
