/**
 * A model is a sequential specification written as a record of plain functions. The search knows
 * this interface and nothing else: a new model is a new file, never a change to the search.
 */
import type { Operation } from './operation.js';
import type { ValueKey } from './values.js';

export interface Model<State = any, Prepared = any> {
  // Required: name, init, step, describe. The rest has defaults (see check.ts).
  /** The name `--model` takes and results carry. */
  name: string;
  /**
   * Says why this model cannot check an op (e.g. a `cas` given to the plain register), or
   * undefined when it can. Called once per op before any search.
   */
  reject?(op: Operation): string | undefined;
  /**
   * Ops that change nothing (reads): whenever `step` accepts one, it returns the state it was
   * given (or one `equal` to it). The search relies on that: such an op is placed as soon as it
   * fits. When their outcome is unknown they constrain nothing and are left out before the search.
   * None when absent.
   */
  readOnly?(op: Operation): boolean;
  /**
   * Ops of unknown outcome in one part (one key) that no linearization needs, left out before the
   * search: e.g. a register write that timed out and whose value no read returned. Each must be
   * such that any linearization placing it stays one without it. None when absent.
   */
  unneeded?(ops: readonly Operation[]): ReadonlySet<Operation>;
  /** Independent parts of the history (e.g. the key): each is checked on its own. */
  partition?(op: Operation): string;
  /**
   * Turns an op into the form `step` takes, once per op, so the search's inner loop stays cheap.
   * When absent, `step` gets the Operation itself.
   */
  prepare?(op: Operation): Prepared;
  init(): State;
  /** The state after `op`, or undefined when `op` cannot happen in `state`. Must not mutate `state`. */
  step(state: State, op: Prepared): State | undefined;
  /** State equality; `===` when absent (enough for primitive states). */
  equal?(a: State, b: State): boolean;
  /** A 32-bit hash of a state, mixed into the cache key when given. */
  hash?(state: State): number;
  /** One op in a few words, for explanations and reports, e.g. `read → 17`, `cas 1→4`. */
  describe(op: Operation): string;
  /** A state in a few words; JSON when absent. */
  describeState?(state: State): string;
  /**
   * One plain sentence on why a part of the history is not linearizable, when the model knows a
   * sharper reason than the search's frontier (e.g. "read of k3 returned 17, but 17 had been
   * overwritten …"). Undefined to let the checker say it in general terms.
   */
  explain?(failure: FailureContext<State>): string | undefined;
  /**
   * The op's part in the order of versions the system reports (`op.version`): it wrote the version
   * or read it, and the value it wrote or read. Undefined for an op that is neither (it is then
   * placed by `step` alone). Without this function the version pass (version-pass.ts) is skipped.
   * The refuting facts rely on its promise: every op that can change the state says `write`, and a
   * stated value is the state a completed op left (write) or saw (read).
   */
  versioned?(op: Operation): VersionRole | undefined;
}

/** What `Model.versioned` says of one op. */
export interface VersionRole {
  /** 'write': the op made `op.version` (or would have: unknown outcome); 'read': it returned it. */
  role: 'write' | 'read';
  /**
   * The value written or read, compared with `===` (objects as `valueKey` strings); null: nothing
   * (the initial state); undefined when the op does not say (an append, a cas whose compare failed).
   */
  value?: ValueKey;
}

/** What the checker hands a model's `explain` about one part that is not linearizable. */
export interface FailureContext<State = unknown> {
  /** The partition's key, or undefined for a model without partitions. */
  key: string | undefined;
  /** Every op of the part that was searched, in call order. */
  ops: readonly Operation[];
  /** The longest order of ops found that fits the model and real time. */
  longest: readonly Operation[];
  /** The state after `longest`. */
  stateAfter: State;
  /** Ops that could have come next by real time, none of which the model accepts there. */
  couldNotPlace: readonly Operation[];
  /** Formats a time of the source for a person: "4.1 s", or "line 120" for line-numbered sources. */
  formatTime(t: number): string;
}
