/**
 * Checking a whole history: splits it into independent parts with the model's `partition`, runs a
 * search per part, and turns the outcome into plain data with explanations. No I/O; the clock is
 * an argument.
 *
 * By default the parts share one time limit and are searched round-robin, a slice of steps each in
 * turn (one thread standing in for Porcupine's goroutines), and checking stops at the first part
 * found not linearizable: some parts of a bad history are out of reach of any exhaustive search,
 * and one illegal part already decides the verdict. With `perKey`, every part gets its own verdict
 * under its own time limit.
 */
import type { HistoryOp } from '../history/op.js';
import { UsageError } from '../shared/usage-error.js';
import { formatBytes } from './byte-size.js';
import type { FailureContext, Model } from './model.js';
import { models, type ModelName } from './models/index.js';
import { toOperations, type Operation } from './operation.js';
import type { CheckResult, Failure, OpSummary, PartitionResult, TimeUnit, Validity } from './result.js';
import { searchOneByOne, searchSideBySide, type Outcome } from './schedule.js';
import { LinearizationSearch } from './search.js';
import { formatValue } from './values.js';
import { decideByVersions, mergeVersionPass } from './version-pass.js';

export interface CheckOptions {
  /** A model or its name; `register` by default. */
  model?: Model | ModelName;
  /**
   * Milliseconds the search may take: for the whole history, or for each key with `perKey`.
   * Undefined or 0: no limit. When it runs out the verdict is 'unknown', never valid.
   */
  timeLimitMs?: number;
  /** Give every key its own verdict (each under `timeLimitMs`) instead of stopping at the first bad key. */
  perKey?: boolean;
  /** The clock (milliseconds), read for `elapsedMs` and between slices of search. Required for a time limit. */
  now?: () => number;
  /** Unit of the ops' times, for sentences: 'ns' (our histories) or 'line' (line-numbered sources). */
  timeUnit?: TimeUnit;
  /**
   * Bytes the searches may hold at once (their caches and their own arrays); a part whose search
   * would need more is given up as 'unknown' (reason 'memory-budget'). `defaultMemoryBudgetBytes`
   * when absent; Infinity for no bound.
   */
  memoryBudgetBytes?: number;
  /**
   * The JavaScript heap's use and limit, read between slices of search (the edge passes V8's).
   * The budget counts 8 bytes for each state a configuration keeps; a model whose states are
   * large (kv's strings) could fill the heap first: when the heap comes within a fifth of its
   * limit, the part holding the most is given up as 'memory-budget', never a crash.
   */
  heap?: () => { usedBytes: number; limitBytes: number };
  /** false: skip the version pass (version-pass.ts), so every part is searched. On by default. */
  versions?: boolean;
}

/** Give up a part when the heap's use passes this share of its limit. */
const HEAP_SHARE = 0.8;

/**
 * 2 GiB of search. The process holds its history besides (measured: 1.44 GB of RSS for a key of
 * 512k ops stopped at a 1 GiB budget; a parsed history of 1 M ops is about 1 GB), so a whole
 * `godist run` stays near 3 GB on a machine shared by several (24 GiB here), while the longest keys
 * measured (128k ops, ~9 in flight, not linearizable: 320 MB) fit six times over. docs/checker.md.
 */
export const defaultMemoryBudgetBytes = 2 * 1024 ** 3;

/** Search steps per part per turn. Small enough to watch the clock often, large enough to be cheap. */
const SLICE = 1 << 15;

/** Checks a history of invoke/ok/fail/info records (our history.jsonl, or Jepsen's EDN read into it). */
export function check(history: readonly HistoryOp[], options: CheckOptions = {}): CheckResult {
  return checkOperations(toOperations(history), options);
}

/** Checks ops whose invocations and completions are already joined. */
export function checkOperations(input: readonly Operation[], options: CheckOptions = {}): CheckResult {
  const model = resolveModel(options.model);
  const settings = settle(options);
  const started = settings.now();
  const parts = splitIntoParts(input, model);
  const pass = versionPass(model, parts, settings);
  const searched = searchParts(pass.toSearch, model, { ...settings, deadline: settings.timeLimitMs > 0 ? started + settings.timeLimitMs : Infinity });
  return assemble(model, parts, mergeVersionPass(parts, pass.byVersions, searched), settings.timeUnit, settings.now() - started);
}

/**
 * The version pass first (version-pass.ts): the parts it decides are not searched, and one it
 * refutes ends the check (as the search's first illegal part does) unless every part gets its own
 * verdict. `byVersions` has one entry per part; merge the search's results back with mergeVersionPass.
 */
export function versionPass(model: Model, parts: readonly Part[], s: Settings): { byVersions: (PartitionResult | undefined)[]; toSearch: Part[] } {
  const byVersions = s.versions ? decideByVersions(model, parts, timeFormatter(s.timeUnit)) : parts.map(() => undefined);
  const stopped = !s.perKey && byVersions.some((r) => r?.valid === false);
  return { byVersions, toSearch: stopped ? [] : parts.filter((_, i) => byVersions[i] === undefined) };
}

/** The options a search of parts needs, with their defaults, checked. */
export interface Settings {
  now: () => number;
  timeLimitMs: number;
  perKey: boolean;
  /** Bytes for the searches of this thread. */
  budget: number;
  /** When the check's budget is shared by threads: how many (`budget` is one's share). */
  threads?: number;
  timeUnit: TimeUnit;
  heap?: () => { usedBytes: number; limitBytes: number };
  /** Whether the version pass runs first. */
  versions: boolean;
}

export function settle(options: CheckOptions): Settings {
  const limit = options.timeLimitMs ?? 0;
  if (limit > 0 && !options.now) throw new Error('checkOperations: a time limit needs a clock (options.now)');
  const budget = options.memoryBudgetBytes ?? defaultMemoryBudgetBytes;
  if (!(budget > 0)) throw new UsageError(`memory budget ${budget}: give a number of bytes above 0`);
  const settings: Settings = {
    now: options.now ?? (() => 0),
    timeLimitMs: limit,
    perKey: options.perKey === true,
    budget,
    timeUnit: options.timeUnit ?? 'ns',
    versions: options.versions !== false,
  };
  if (options.heap) settings.heap = options.heap;
  return settings;
}

/** One independent part of a history (a key), with the ops its search takes. */
export interface Part {
  key: string | null;
  ops: Operation[];
}

/**
 * The parts, sorted by key, each without what constrains nothing: unknown reads, and what the
 * model says no linearization needs. Throws UsageError for an op the model cannot check.
 */
export function splitIntoParts(input: readonly Operation[], model: Model): Part[] {
  const ops: Operation[] = [];
  for (const op of input) {
    const why = model.reject?.(op);
    if (why) throw new UsageError(`op ${op.id} (process ${op.process}, ${op.f}): ${why}`);
    if (op.return === Infinity && model.readOnly?.(op)) continue; // an unknown read constrains nothing
    ops.push(op);
  }
  return partition(ops, model);
}

/**
 * Searches the parts in this thread, side by side (or one by one with `perKey`), and says what
 * became of each. `deadline` is on the clock `now` reads; `stopped`/`stop` connect the parts
 * searched here with parts searched in other threads (one found not linearizable stops them all).
 */
export function searchParts(
  parts: readonly Part[],
  model: Model,
  s: Settings & { deadline: number },
  hooks: { stopped?(): boolean; stop?(): void } = {},
): PartitionResult[] {
  // Made when a part's turn first comes (schedule.ts), so the clock is read between them.
  const searches: (LinearizationSearch<unknown, unknown> | undefined)[] = parts.map(() => undefined);
  const make = (i: number) => {
    const p = parts[i]!;
    return (searches[i] = new LinearizationSearch(
      model,
      p.ops.map(prepareWith(model)),
      p.ops.map((op) => op.call),
      p.ops.map((op) => op.return),
      { readOnly: model.readOnly ? p.ops.map((op) => model.readOnly!(op)) : undefined, maxBytes: s.budget },
    ));
  };
  const heap = s.heap;
  const heapFull = heap
    ? () => {
        const h = heap();
        return h.usedBytes > HEAP_SHARE * h.limitBytes;
      }
    : undefined;
  const turns = { budget: s.budget, now: s.now, slice: SLICE, ...(heapFull ? { heapFull } : {}), ...hooks };
  const outcome = s.perKey ? searchOneByOne(parts.length, make, s.timeLimitMs, turns) : searchSideBySide(parts.length, make, s.deadline, turns);
  const formatTime = timeFormatter(s.timeUnit);
  return parts.map((p, i) => {
    const search = searches[i];
    const status = search?.status ?? 'running';
    const valid: Validity = status === 'linearizable' ? true : status === 'illegal' ? false : 'unknown';
    const result: PartitionResult = {
      key: p.key,
      valid,
      opCount: p.ops.length,
      steps: search?.steps ?? 0,
      configurations: search?.configurations ?? 0,
      peakBytes: search?.peakBytes ?? 0,
    };
    const reason = outcome[i]!;
    if (valid === 'unknown' && reason !== 'done') {
      result.unknownReason = reason === 'heap-limit' ? 'memory-budget' : reason;
      result.unknownMessage = undecidedMessage(reason, search, s);
    }
    if (valid === false) result.failure = explainFailure(model, p.key, p.ops, search!, formatTime);
    return result;
  });
}

/** The whole check's result from its parts' (in the parts' order). */
export function assemble(model: Model, parts: readonly Part[], partitions: PartitionResult[], timeUnit: TimeUnit, elapsedMs: number): CheckResult {
  const valid: Validity = partitions.some((p) => p.valid === false)
    ? false
    : partitions.every((p) => p.valid === true)
      ? true
      : 'unknown';
  return { valid, model: model.name, opCount: parts.reduce((sum, p) => sum + p.ops.length, 0), timeUnit, partitions, elapsedMs };
}

const prepareWith = (model: Model) => (op: Operation) => (model.prepare ? model.prepare(op) : op);

const describeState = (model: Model, state: unknown) => (model.describeState ? model.describeState(state) : formatValue(state));

export function resolveModel(m: Model | ModelName | undefined): Model {
  if (m === undefined) return models.register;
  if (typeof m !== 'string') return m;
  const found = (models as Record<string, Model>)[m];
  if (!found) throw new UsageError(`unknown model ${JSON.stringify(m)}: choose one of ${Object.keys(models).join(', ')}`);
  return found;
}

/** One sentence on why a part is undecided, with the bound it reached. */
function undecidedMessage(reason: Exclude<Outcome, 'done'>, s: LinearizationSearch<unknown, unknown> | undefined, limits: Settings): string {
  const searched = s ? `after ${s.steps} steps and ${s.configurations} configurations` : 'before its search began';
  if (reason === 'memory-budget') {
    const shared = limits.threads && limits.threads > 1 ? `, one thread's share of ${formatBytes(limits.budget * limits.threads)} for ${limits.threads}` : '';
    return `undecided: the search reached the memory budget of ${limits.budget} bytes (${formatBytes(limits.budget)}${shared}) ${searched}`;
  }
  if (reason === 'heap-limit') {
    const limit = limits.heap?.().limitBytes ?? 0;
    return `undecided: the JavaScript heap came within a fifth of its limit of ${limit} bytes (${formatBytes(limit)}) with the states the model keeps (the memory budget counts 8 bytes a state) ${searched}`;
  }
  if (reason === 'time-limit') {
    const seconds = Number((limits.timeLimitMs / 1000).toFixed(3));
    return `undecided: the time limit of ${seconds} s${limits.perKey ? ' for this key' : ''} ran out ${searched}`;
  }
  return 'not checked to the end: checking stopped at the first key found not linearizable';
}

/** The independent parts, sorted by key, each without the ops the model says no linearization needs. */
function partition(ops: readonly Operation[], model: Model): Part[] {
  const by = model.partition;
  const parts = new Map<string | null, Operation[]>();
  if (!by) parts.set(null, [...ops]);
  else {
    for (const op of ops) {
      const k = by(op);
      const list = parts.get(k);
      if (list) list.push(op);
      else parts.set(k, [op]);
    }
  }
  const keys = by ? [...(parts.keys() as Iterable<string>)].sort(compareKeys) : [null];
  return keys.map((key) => {
    const all = parts.get(key)!;
    const unneeded = model.unneeded?.(all);
    return { key, ops: unneeded && unneeded.size > 0 ? all.filter((op) => !unneeded.has(op)) : all };
  });
}

/** Keys in a person's order: numbers as numbers, and the digits inside keys too (k2 before k10). */
function compareKeys(a: string, b: string): number {
  const x = a.split(/(\d+)/);
  const y = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    // Odd pieces are digit runs.
    if (i % 2 === 1) {
      const d = Number(x[i]) - Number(y[i]);
      if (d !== 0) return d;
    }
    return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** A time for a sentence: seconds for nanosecond sources ("4.1 s"), or "line 120". */
export function timeFormatter(unit: TimeUnit): (t: number) => string {
  if (unit === 'line') return (t) => `line ${t}`;
  return (t) => {
    const trim = (s: string) => s.replace(/\.?0+$/, '');
    if (t !== 0 && Math.abs(t) < 1e6) return `${trim((t / 1e6).toFixed(3))} ms`;
    return `${trim((t / 1e9).toFixed(3))} s`;
  };
}

function summarize(model: Model, op: Operation): OpSummary {
  const s: OpSummary = {
    id: op.id,
    process: op.process,
    f: op.f,
    value: op.value,
    call: op.call,
    return: op.return === Infinity ? null : op.return,
    description: model.describe(op),
  };
  if (op.key !== undefined) s.key = op.key;
  if (op.output !== undefined) s.output = op.output;
  return s;
}

function explainFailure(
  model: Model,
  key: string | null,
  ops: readonly Operation[],
  search: LinearizationSearch<unknown, unknown>,
  formatTime: (t: number) => string,
): Failure {
  const order = search.longest();
  const taken = new Uint8Array(ops.length);
  let state: unknown = model.init();
  for (const i of order) {
    taken[i] = 1;
    const after = model.step(state, prepareWith(model)(ops[i]!));
    if (after === undefined) throw new Error('checker: the longest order found does not replay (a model step is not pure?)');
    state = after;
  }
  // What could come next by real time: calls before the earliest return still in the list.
  let firstReturn = Infinity;
  for (let i = 0; i < ops.length; i++) if (!taken[i]) firstReturn = Math.min(firstReturn, search.returnPos[i]!);
  const next: number[] = [];
  for (let i = 0; i < ops.length; i++) if (!taken[i] && search.callPos[i]! < firstReturn) next.push(i);
  next.sort((a, b) => search.callPos[a]! - search.callPos[b]!);
  const couldNotPlace = next.map((i) => ops[i]!);
  const longest = order.map((i) => ops[i]!);

  const byCall = [...ops].sort((a, b) => a.call - b.call);
  const ctx: FailureContext = { key: key ?? undefined, ops: byCall, longest, stateAfter: state, couldNotPlace, formatTime };
  const explanation = model.explain?.(ctx) ?? generalExplanation(model, ctx);
  return {
    explanation,
    longest: longest.map((op) => op.id),
    stateAfter: describeState(model, state),
    couldNotPlace: couldNotPlace.map((op) => summarize(model, op)),
  };
}

/** The search's own account, for models without a sharper one. */
export function generalExplanation(model: Model, ctx: FailureContext): string {
  const where = ctx.key === undefined || ctx.key === '' ? 'the history' : `key ${formatValue(ctx.key)}`;
  const t = ctx.formatTime;
  const shown = ctx.couldNotPlace.slice(0, 3).map((op) => {
    const ret = op.return === Infinity ? 'never returned' : `returned at ${t(op.return)}`;
    return `${model.describe(op)} (called at ${t(op.call)}, ${ret})`;
  });
  const more = ctx.couldNotPlace.length > 3 ? `, and ${ctx.couldNotPlace.length - 3} more` : '';
  return (
    `no order of the ${ctx.ops.length} operations on ${where} fits both real time and the ${model.name} model: ` +
    `the longest that does places ${ctx.longest.length} of them, leaving the state ${describeState(model, ctx.stateAfter)}, ` +
    `and no operation that could come next fits there: ${shown.join('; ')}${more}`
  );
}
