/**
 * What a linearizability check returns: plain JSON-ready data (no Infinity, no class instances), so
 * results.json and the HTML report can carry it as it is.
 */

/** true: linearizable; false: not; 'unknown': the checker could not decide (never read as valid). */
export type Validity = true | false | 'unknown';

export interface CheckResult {
  valid: Validity;
  /** The model's name, e.g. `register`. */
  model: string;
  /**
   * Ops searched: completed ones and writes of unknown outcome (left out: failed ops, unknown reads,
   * and what the model says no linearization needs, e.g. unknown writes whose value no read returned).
   */
  opCount: number;
  /** Unit of every `call`/`return` below: nanoseconds since the run began, or source line numbers. */
  timeUnit: TimeUnit;
  /** One entry per independent part (per key), sorted by key. */
  partitions: PartitionResult[];
  /** Wall time the check took, by the clock the caller passed. */
  elapsedMs: number;
}

export type TimeUnit = 'ns' | 'line';

export interface PartitionResult {
  /** The key; null when the model does not partition. */
  key: string | null;
  valid: Validity;
  opCount: number;
  /**
   * Why `valid` is 'unknown': the time limit ran out, the search reached the memory budget, or the
   * part was not checked to the end because another part was found not linearizable first.
   */
  unknownReason?: 'time-limit' | 'memory-budget' | 'not-checked';
  /** With `unknownReason`: one sentence saying so, with the bound reached (seconds, bytes). */
  unknownMessage?: string;
  /** Search steps spent on this part. */
  steps: number;
  /**
   * What decided `valid`: `versions`, the version pass before any search (a verified linearization
   * read off the system's versions, or a fact that is a proof on its own); `search`, the search.
   * Absent while undecided.
   */
  decidedBy?: 'versions' | 'search';
  /** Configurations the search's cache held at its end. */
  configurations: number;
  /** The most bytes this part's search held (its cache and its own arrays). */
  peakBytes: number;
  /** Present when `valid` is false. */
  failure?: Failure;
}

export interface Failure {
  /** One plain sentence a person reads, e.g. "read of k3 returned 17 at 4.1 s, but …". */
  explanation: string;
  /** The longest order of ops found that fits the model and real time: op ids, in that order. */
  longest: number[];
  /** The model's state after `longest`, in words. */
  stateAfter: string;
  /** The ops that could have come next by real time, none of which fits there, in call order. */
  couldNotPlace: OpSummary[];
  /**
   * Present when the version pass refuted the part with a fact that is a proof on its own (no
   * search ran: `longest` is empty): the fact's name and the ops it is about (ids).
   */
  fact?: { name: 'never-written' | 'written-after-read' | 'overwritten'; ops: number[] };
}

export interface OpSummary {
  /** The `index` of the op's invoke record in the input history. */
  id: number;
  process: number | string;
  f: string;
  key?: string;
  /** The invoke's argument. */
  value: unknown;
  /** What the completion reported (the value read; for a cas whether it swapped). */
  output?: unknown;
  call: number;
  /** null when the outcome is unknown. */
  return: number | null;
  /** The model's words for the op, e.g. `read → 17`. */
  description: string;
}
