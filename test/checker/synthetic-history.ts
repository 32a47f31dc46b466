/**
 * Register histories made up from a seed, for the checker's benchmark and its tests at scale: the
 * shape of a `godist run` register workload (unique values, half reads, half writes) without a
 * cluster. Clients invoke one op at a time; every op takes effect at one instant between its call
 * and its return, so the history is linearizable by construction, unless a stale read is planted.
 *
 * - `clients` sets how many ops are in flight (about clients × latency / (latency + think)).
 * - `keyOps` and `activeKeys` rotate keys as Jepsen does: a key takes `keyOps` ops, then a fresh
 *   key takes its place. Without them every op goes to one key.
 * - `infoShare`: ops whose outcome is unknown (the client timed out; a write may or may not have
 *   taken effect), completed with `info`; that process is replaced by a new one, as in Jepsen.
 * - `anomaly: 'stale-read'`: one read, at `anomalyAt` of the history, returns the value a write
 *   had already overwritten (that write was acknowledged before the read began, and the overwritten
 *   one before it began): not linearizable whatever order is tried.
 *
 * Pure: the same options give the same history.
 */
import type { HistoryOp } from '../../harness/history/op.js';
import { createRandom } from '../../harness/shared/random.js';

export interface SyntheticOptions {
  /** Client ops (invocations). */
  ops: number;
  clients: number;
  seed: number;
  /** Ops a key takes before a fresh key replaces it; all on one key when absent. */
  keyOps?: number;
  /** Keys in use at once (1). */
  activeKeys?: number;
  /** Share of reads (0.5). */
  readShare?: number;
  /** Mean latency of an op, ns (1 ms). */
  latencyNs?: number;
  /** Mean pause between a client's completion and its next invocation, ns (latency / 10). */
  thinkNs?: number;
  /** Share of ops that end in `info` (0). */
  infoShare?: number;
  anomaly?: 'none' | 'stale-read';
  /** Where the stale read goes, as a share of the ops (0.9). */
  anomalyAt?: number;
}

interface SimOp {
  process: number;
  key: string;
  read: boolean;
  /** The value written, or the value read. */
  value: number | null;
  call: number;
  ret: number;
  /** When it takes effect; Infinity for an unknown write that never does. */
  at: number;
  info: boolean;
}

export interface SyntheticHistory {
  history: HistoryOp[];
  /** Mean ops in flight over the history's span. */
  inFlight: number;
  /** Keys that took ops. */
  keys: number;
  /** Whether an anomaly was planted (false when no read could carry it). */
  planted: boolean;
}

export function syntheticHistory(o: SyntheticOptions): SyntheticHistory {
  const random = createRandom(o.seed);
  const latency = o.latencyNs ?? 1_000_000;
  const think = o.thinkNs ?? latency / 10;
  const readShare = o.readShare ?? 0.5;
  const infoShare = o.infoShare ?? 0;
  const activeKeys = o.activeKeys ?? 1;
  const keyOps = o.keyOps ?? Infinity;
  // Exponential, at least 1 ns: no two events of one client share a time.
  const draw = (mean: number) => 1 + Math.floor(-Math.log(1 - random.next()) * mean);

  const clientTime: number[] = [];
  const clientProcess: number[] = [];
  for (let c = 0; c < o.clients; c++) {
    clientTime.push(draw(think));
    clientProcess.push(c);
  }
  let nextProcess = o.clients;
  let nextKey = 0;
  const active: { key: string; used: number }[] = [];
  for (let k = 0; k < activeKeys; k++) active.push({ key: `k${nextKey++}`, used: 0 });

  const ops: SimOp[] = [];
  let nextValue = 1;
  for (let i = 0; i < o.ops; i++) {
    // The client whose next call comes first.
    let c = 0;
    for (let j = 1; j < o.clients; j++) if (clientTime[j]! < clientTime[c]!) c = j;
    const slot = random.int(active.length);
    const key = active[slot]!.key;
    if (++active[slot]!.used >= keyOps) active[slot] = { key: `k${nextKey++}`, used: 0 };
    const call = clientTime[c]!;
    const ret = call + draw(latency);
    const read = random.next() < readShare;
    const info = random.next() < infoShare;
    // An unknown write takes effect or not, even odds; an unknown read tells nothing either way.
    const at = info && !read && random.next() < 0.5 ? Infinity : call + Math.floor(random.next() * (ret - call + 1));
    ops.push({ process: clientProcess[c]!, key, read, value: read ? null : nextValue++, call, ret, at, info });
    clientTime[c] = ret + draw(think);
    if (info) clientProcess[c] = nextProcess++;
  }

  // Reads return the value at their instant, per key.
  const byInstant = ops.filter((op) => op.at !== Infinity).sort((a, b) => a.at - b.at || Number(a.read) - Number(b.read));
  const current = new Map<string, number | null>();
  for (const op of byInstant) {
    if (op.read) op.value = current.get(op.key) ?? null;
    else current.set(op.key, op.value);
  }
  const planted = o.anomaly === 'stale-read' ? plantStaleRead(ops, byInstant, Math.floor((o.anomalyAt ?? 0.9) * ops.length)) : false;

  let busy = 0;
  let first = Infinity;
  let last = 0;
  for (const op of ops) {
    busy += op.ret - op.call;
    first = Math.min(first, op.call);
    last = Math.max(last, op.ret);
  }
  return { history: toHistory(ops), inFlight: ops.length === 0 ? 0 : busy / (last - first), keys: new Set(ops.map((op) => op.key)).size, planted };
}

/**
 * Makes the first read at or after `from` (by call) that can carry it return an overwritten value:
 * it needs a write w acknowledged before the read began, and the write w0 whose value w replaced
 * acknowledged before w began (so every order puts w0, then w, then the read). Known outcomes only.
 */
function plantStaleRead(ops: SimOp[], byInstant: SimOp[], from: number): boolean {
  const rank = new Map<SimOp, number>();
  byInstant.forEach((op, i) => rank.set(op, i));
  for (let i = from; i < ops.length; i++) {
    const r = ops[i]!;
    if (!r.read || r.info) continue;
    // Walk back through the writes of r's key before r took effect, most recent first.
    let w: SimOp | undefined;
    for (let j = rank.get(r)! - 1; j >= 0; j--) {
      const x = byInstant[j]!;
      if (x.key !== r.key || x.read) continue;
      if (w === undefined) {
        if (x.info || x.ret >= r.call) continue;
        w = x;
      } else {
        if (x.info || x.ret >= w.call) break;
        r.value = x.value;
        return true;
      }
    }
  }
  return false;
}

function toHistory(ops: SimOp[]): HistoryOp[] {
  const events: { t: number; invoke: boolean; op: SimOp }[] = [];
  for (const op of ops) {
    events.push({ t: op.call, invoke: true, op });
    events.push({ t: op.ret, invoke: false, op });
  }
  // By time; a completion before an invoke at the same time (a process's next call never shares
  // its time with its last return: think times are at least 1 ns).
  events.sort((a, b) => a.t - b.t || Number(a.invoke) - Number(b.invoke));
  return events.map((e, index): HistoryOp => {
    const { op } = e;
    const f = op.read ? 'read' : 'write';
    if (e.invoke) return { index, type: 'invoke', process: op.process, f, key: op.key, value: op.read ? null : op.value, time: e.t };
    return { index, type: op.info ? 'info' : 'ok', process: op.process, f, key: op.key, value: op.info && op.read ? null : op.value, time: e.t };
  });
}

/** The history as history.jsonl text. */
export function toJsonl(history: readonly HistoryOp[]): string {
  let out = '';
  const lines: string[] = [];
  for (const op of history) {
    lines.push(JSON.stringify(op));
    if (lines.length === 4096) {
      out += `${lines.join('\n')}\n`;
      lines.length = 0;
    }
  }
  if (lines.length > 0) out += `${lines.join('\n')}\n`;
  return out;
}

/**
 * Several histories as one, side by side in time: processes renumbered so none is shared, keys
 * kept (give each its own), records re-indexed in time order.
 */
export function mergeHistories(...histories: readonly HistoryOp[][]): HistoryOp[] {
  const all: HistoryOp[] = [];
  let offset = 0;
  for (const h of histories) {
    let most = -1;
    for (const op of h) {
      if (op.process === 'nemesis') {
        all.push({ ...op });
        continue;
      }
      all.push({ ...op, process: op.process + offset });
      most = Math.max(most, op.process);
    }
    offset += most + 1;
  }
  // Stable: records of one history at one time keep their order.
  all.sort((a, b) => a.time - b.time);
  return all.map((op, index) => ({ ...op, index }));
}

/** The history with every key renamed by `rename`. */
export function renameKeys(history: readonly HistoryOp[], rename: (key: string) => string): HistoryOp[] {
  return history.map((op) => (op.key === undefined ? op : { ...op, key: rename(op.key) }));
}
