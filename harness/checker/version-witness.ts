/**
 * The version witness: a linearization of one part suggested by the versions the system reported,
 * then verified. Checking is NP-complete in general because a search must *find* an order; the
 * system hands us one, and checking a given order is near-linear.
 *
 *   versions ──▶ candidate order (version-order.ts) ──▶ ops without a version fitted in by the model
 *   (place-unversioned.ts) ──▶ verified: real time and the model (verify-order.ts)
 *
 * Verdicts:
 * - `linearizable`, with the order: a verified order is a linearization whatever produced it;
 * - `refuted`: a fact that is a proof on its own (refuting-facts.ts), looked for only when no
 *   witness verified; versions play no part in it;
 * - `no-witness`: the versions did not lead to a linearization. This says nothing about the part:
 *   the search decides it.
 *
 * Pure: no I/O, no clock; O(n log n) in the part's ops.
 */
import { placeUnversioned } from './place-unversioned.js';
import { findRefutingFact, type FactName } from './refuting-facts.js';
import type { ValueKey } from './values.js';
import { verifyOrder, type OrderFault } from './verify-order.js';
import { orderByVersions } from './version-order.js';

export interface WitnessOp<Prepared = unknown> {
  /** The op's id in the source history (results and sentences use it). */
  id: number;
  /** The op's name for sentences, e.g. `read`. */
  f: string;
  call: number;
  /** Infinity: unknown outcome (such an op may be left out). */
  return: number;
  /** The op as the model's `step` takes it. */
  op: Prepared;
  /** From `Model.versioned`: the op wrote its version or read it; undefined: neither. */
  role?: 'write' | 'read';
  /** The value written or read (null: nothing); undefined when the op does not say. */
  value?: ValueKey;
  /** The version it wrote or read, as the system reported it; null: the read found nothing. */
  version?: number | null;
  writer?: string;
}

export interface WitnessModel<State, Prepared> {
  init(): State;
  step(state: State, op: Prepared): State | undefined;
  equal?(a: State, b: State): boolean;
}

export type WitnessVerdict =
  | { kind: 'linearizable'; order: number[] }
  | { kind: 'refuted'; fact: FactName; explanation: string; ops: number[] }
  | { kind: 'no-witness'; why: string };

export interface WitnessOptions {
  /** The part's key, for sentences. */
  key?: string | null;
  /** A time of the source for a person ("4.1 s", "line 120"). */
  formatTime?: (t: number) => string;
}

/**
 * @returns `order` as the ids of the ops placed, in order: every completed op, and the ops of
 * unknown outcome that took effect in it (the search's linearization has the same shape).
 */
export function witnessLinearization<State, Prepared>(
  model: WitnessModel<State, Prepared>,
  ops: readonly WitnessOp<Prepared>[],
  options: WitnessOptions = {},
): WitnessVerdict {
  const n = ops.length;
  const steps = new Array<Prepared>(n);
  const calls = new Float64Array(n);
  const returns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = ops[i]!.op;
    calls[i] = ops[i]!.call;
    returns[i] = ops[i]!.return;
  }
  const t = options.formatTime ?? String;
  const name = (i: number) => `op ${ops[i]!.id} (${ops[i]!.f}, called at ${t(ops[i]!.call)})`;

  // Writes of unknown outcome that no read returned are left out first (nothing needs them, and
  // each placed one must fit real time), then placed at their version (a cas may need one).
  let why: string | undefined;
  for (const placeUnread of [false, true]) {
    const byVersions = orderByVersions(ops, { placeUnread });
    if (placeUnread && byVersions.unread === 0) break;
    const fit = placeUnversioned(model, steps, calls, returns, byVersions.order, byVersions.unplaced);
    if ('order' in fit) {
      const fault = verifyOrder(model, steps, calls, returns, fit.order);
      if (!fault) return { kind: 'linearizable', order: fit.order.map((i) => ops[i]!.id) };
      why ??= describeFault(fault, name, ops, t);
    } else {
      why ??= fit.op === undefined ? fit.why : `${fit.why}: ${name(fit.op)}`;
    }
  }
  const fact = findRefutingFact(ops, options);
  if (fact) return { kind: 'refuted', ...fact };
  return { kind: 'no-witness', why: why! };
}

function describeFault(fault: OrderFault, name: (i: number) => string, ops: readonly WitnessOp<unknown>[], t: (x: number) => string): string {
  switch (fault.kind) {
    case 'missing':
      return `no version places ${name(fault.op)}`;
    case 'repeated':
      return `the order by versions places ${name(fault.op)} twice`;
    case 'real-time':
      return `the order by versions puts ${name(fault.op)} before ${name(fault.returnedBefore)}, which returned at ${t(ops[fault.returnedBefore]!.return)}, before it was called`;
    case 'model':
      return `the order by versions does not replay: the model rejects ${name(fault.op)} at position ${fault.at + 1}`;
  }
}
