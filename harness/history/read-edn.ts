/**
 * Reads a Jepsen history in EDN: op maps one after another (one per line, as Jepsen writes
 * history.edn) or inside one vector, e.g.
 *
 *   {:process 0, :type :invoke, :f :cas, :key "k1", :value [1 2], :time 12000}
 *
 * Keys come from `:key`, or from `jepsen.independent` tuples (`:value [k v]`) when no op has a
 * `:key` and every client op's value is such a tuple. Times are `:time` (nanoseconds) when every
 * op has one, else the line number; ids are `:index` when every op has one, else the position.
 * The meaning of ok / fail / info is Jepsen's (fail: did not happen). Pure over text.
 *
 * Versions, for the checker's version pass, when the history carries them: a completion's
 * `:version` (or `:mod-revision`), or the values of jepsen.etcd's versioned register,
 * `[version value]` pairs (invoked with a nil version, completed with the key's etcd version).
 */
import { UsageError } from '../shared/usage-error.js';
import { EdnReader, Keyword, Tagged, type EdnValue } from './edn.js';
import { ednKeyText, ednToPlain } from './edn-values.js';
import type { HistoryOp, OpType, Process } from './op.js';
import type { ReadHistory } from './read-jsonl.js';

export interface ReadEdnHistory extends ReadHistory {
  /** 'ns' when the ops carry `:time`, else 'line' (times are line numbers). */
  timeUnit: 'ns' | 'line';
}

const K = (name: string) => Keyword.of(name);
const TYPES: ReadonlySet<string> = new Set<OpType>(['invoke', 'ok', 'fail', 'info']);

interface RawOp {
  line: number;
  map: Map<EdnValue, EdnValue>;
}

/** Reads the top-level forms, spreading a top-level vector (or list) of ops. */
function readForms(text: string): RawOp[] {
  const r: EdnReader = new EdnReader(text);
  const out: RawOp[] = [];
  const take = () => {
    const line = r.line;
    const v = r.read();
    const map = v instanceof Tagged ? v.value : v;
    if (!(map instanceof Map)) r.fail(`expected an op map like {:process 0, :type :invoke, :f :read, :value nil}, found ${describe(v)}`, line);
    out.push({ line, map });
  };
  if (r.atEnd()) return out;
  const first = r.peek();
  if (first === '[' || first === '(') {
    const close = first === '[' ? ']' : ')';
    const openLine = r.line;
    r.expect(first);
    for (;;) {
      if (r.atEnd()) r.fail(`the ${first} opened here is never closed`, openLine);
      if (r.peek() === close) break;
      take();
    }
    r.expect(close);
    if (!r.atEnd()) r.fail(`unexpected ${JSON.stringify(r.peek())} after the vector of ops`);
    return out;
  }
  while (!r.atEnd()) take();
  return out;
}

function describe(v: EdnValue): string {
  const s = JSON.stringify(ednToPlain(v)) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

export function readEdn(text: string): ReadEdnHistory {
  const raws = readForms(text);
  const everyTime = raws.length > 0 && raws.every((o) => typeof o.map.get(K('time')) === 'number');
  const everyIndex = raws.length > 0 && raws.every((o) => Number.isInteger(o.map.get(K('index'))));
  const seenIndex = new Map<number, number>(); // :index → line

  const history: HistoryOp[] = [];
  const lines: number[] = [];
  const tuples: { op: HistoryOp; raw: EdnValue; line: number }[] = [];
  let anyKey = false;
  raws.forEach((raw, position) => {
    const { line, map } = raw;
    const bad = (what: string): never => {
      throw new UsageError(`line ${line}: ${what}`);
    };
    const get = (name: string) => map.get(K(name));

    const p = get('process');
    let process: Process;
    if (typeof p === 'number' && Number.isInteger(p) && p >= 0) process = p;
    else if (p instanceof Keyword && p.name === 'nemesis') process = 'nemesis';
    else bad(`:process must be a non-negative integer or :nemesis, not ${describe(p ?? null)}`);

    const t = get('type');
    const type = t instanceof Keyword ? t.name : typeof t === 'string' ? t : '';
    if (!TYPES.has(type)) bad(`:type must be :invoke, :ok, :fail or :info, not ${describe(t ?? null)}`);

    const fv = get('f');
    const f = fv instanceof Keyword ? fv.name : typeof fv === 'string' ? fv : '';
    if (f === '') bad(`:f must be a keyword such as :read, not ${describe(fv ?? null)}`);

    if (everyIndex) {
      const index = get('index') as number;
      if (index < 0 || !Number.isSafeInteger(index)) bad(`:index must be a non-negative integer, not ${index}`);
      const twin = seenIndex.get(index);
      if (twin !== undefined) bad(`:index ${index} was already used on line ${twin} (every op has its own index)`);
      seenIndex.set(index, line);
    }

    const rawValue = map.has(K('value')) ? get('value')! : null;
    const op: HistoryOp = {
      index: everyIndex ? (get('index') as number) : position,
      type: type as OpType,
      process: process!,
      f,
      value: ednToPlain(rawValue),
      time: everyTime ? (get('time') as number) : line,
    };
    if (map.has(K('key'))) {
      op.key = ednKeyText(get('key')!);
      if (op.key === '') bad(':key must not be empty');
      anyKey = true;
    }
    const version = get('version') ?? get('mod-revision');
    if (type !== 'invoke' && (version === null || (typeof version === 'number' && Number.isFinite(version)))) op.trace = { version };
    const error = get('error');
    if (error !== undefined) op.error = typeof error === 'string' ? error : JSON.stringify(ednToPlain(error));
    history.push(op);
    lines.push(line);
    if (process! !== 'nemesis') tuples.push({ op, raw: rawValue, line });
  });

  if (!anyKey && tuples.some((t) => t.op.type === 'invoke') && tuples.every((t) => isIndependentTuple(t.op, t.raw))) {
    for (const { op, raw, line } of tuples) {
      if (!Array.isArray(raw) || raw.length !== 2) continue; // an unknown completion's :timed-out
      op.key = ednKeyText(raw[0]!);
      if (op.key === '') throw new UsageError(`line ${line}: the key of a [key value] tuple must not be empty`);
      op.value = ednToPlain(raw[1]!);
    }
  }
  if (isVersionedRegister(tuples.map((t) => t.op))) for (const { op } of tuples) unwrapVersion(op);
  return { history, lines, timeUnit: everyTime ? 'ns' : 'line' };
}

const isVersionPair = (v: unknown): v is [unknown, unknown] => Array.isArray(v) && v.length === 2;
const isVersion = (v: unknown) => v === null || (Number.isInteger(v) && (v as number) >= 0);

/**
 * jepsen.etcd's register workload: every invocation's value is `[nil value]` and every ok
 * completion's `[version value]`, the version the key had after the write or at the read (a
 * read of a missing key: `[nil nil]`). A plain register or cas-register never looks like this: its
 * invocations carry the bare value (nil for reads, `[old new]` for a cas).
 */
function isVersionedRegister(ops: readonly HistoryOp[]): boolean {
  let invokes = 0;
  for (const op of ops) {
    if (op.f !== 'read' && op.f !== 'write' && op.f !== 'cas') return false;
    if (op.type === 'invoke') {
      if (!isVersionPair(op.value) || op.value[0] !== null) return false;
      invokes++;
    } else if (op.type === 'ok' && (!isVersionPair(op.value) || !isVersion(op.value[0]))) return false;
  }
  return invokes > 0;
}

/** `[version value]` → the value, and the version into the trace of an ok completion. */
function unwrapVersion(op: HistoryOp): void {
  if (!isVersionPair(op.value)) return; // an unknown completion's :timed-out
  const [version, value] = op.value;
  op.value = value;
  if (op.type === 'ok' && (version !== null || op.f === 'read')) op.trace = { ...op.trace, version: version as number | null };
}

/**
 * A `jepsen.independent` `[key value]` tuple. Invocations of reads carry `[k nil]` (a plain read's
 * value is nil), and a cas tuple holds a pair (`[k [old new]]`), which tells it from a plain cas.
 * Unknown completions may carry anything (e.g. :timed-out), so they do not decide.
 */
function isIndependentTuple(op: HistoryOp, raw: EdnValue): boolean {
  if (op.type === 'info' || op.type === 'fail') return true;
  if (!Array.isArray(raw) || raw.length !== 2) return false;
  if (op.f === 'cas') return Array.isArray(raw[1]) && raw[1].length === 2;
  return true;
}
