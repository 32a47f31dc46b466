/**
 * The coordinator: any node serves a client's put or get by talking to the key's replica set.
 *
 * Put: read the versions held by the replica set (wait for R answers; without them nothing is
 * written), write version max + 1 tagged with this node's id to every replica, answer once W
 * acknowledged. Get: ask every replica, answer once R replied, with the newest (version, writer).
 * Read repair: `async` pushes the newest value to replicas that answered older or nothing after
 * answering; `sync` writes it back to W replicas before answering (the second phase of ABD);
 * `off` does neither.
 *
 * Every answer carries a trace: the coordinator, the replica set, what each replica said, and when:
 * for each replica request, `sentMs` and (once it answered) `answeredMs`, and the op's `elapsedMs`
 * when the coordinator answered, all in ms since the coordinator began serving the op. They cost two
 * clock reads per replica request and no extra message, and they are what a staleness model (PBS's
 * WARS) needs: the latencies of the replica requests, including which ones had not answered yet.
 */
import type { Replica } from './replica.js';
import { PeerError } from './transport.js';
import type { PeerCaller } from './batching.js';
import { compareTags, newest, type VersionedValue } from './store.js';
import type { ReadRepairMode } from './quorum.js';
import { BadRequest } from './server.js';

export interface CoordinatorDeps {
  self: string;
  R: number;
  W: number;
  readRepair: ReadRepairMode;
  replica: Replica;
  /** Reaches other replicas (batched over HTTP in the node; in memory in tests). */
  peers: PeerCaller;
  replicaSet(key: string): string[];
  /** A monotonic clock in ms for the trace's timings (default: performance.now). */
  now?: () => number;
}

/** What one replica said, in a trace. */
export interface ReplicaTrace {
  node: string;
  /** Reads: the version it held (null: nothing). Writes: the version it holds after the write. */
  version: number | null;
  writer: string | null;
  /** Did it answer (reads) or acknowledge (writes)? */
  ok: boolean;
  /** Why it did not, when it failed. */
  error?: string;
  /** It had not answered yet when the coordinator replied. */
  pending?: true;
  /**
   * When the request was sent, when it left this node (after waiting in the peer's queue; absent
   * for the coordinator's own replica, or when it had not left yet) and when its answer (or its
   * failure) came, in ms since the op began.
   */
  sentMs?: number;
  leftMs?: number;
  answeredMs?: number;
}

export interface Outcome {
  status: number;
  body: Record<string, unknown>;
}

/** Wire format of /internal/read answers. */
export type ReadAnswer = { found: false } | { found: true; value: string; version: number; writer: string };
/** Wire format of /internal/write answers. */
export interface WriteAnswer {
  ok: true;
  version: number;
  writer: string;
}

/** Serve POST /internal/read on the replica side. */
export function serveRead(replica: Replica, body: unknown): ReadAnswer {
  const key = (body as { key?: unknown } | null)?.key;
  if (typeof key !== 'string' || key === '') throw new BadRequest('internal read needs {"key": non-empty string}');
  const v = replica.read(key);
  return v ? { found: true, value: v.value, version: v.version, writer: v.writer } : { found: false };
}

/** Serve POST /internal/write on the replica side: acknowledged once the replica holds it or newer. */
export async function serveWrite(replica: Replica, body: unknown): Promise<WriteAnswer> {
  const b = body as { key?: unknown; value?: unknown; version?: unknown; writer?: unknown } | null;
  if (typeof b?.key !== 'string' || b.key === '' || typeof b.value !== 'string' || typeof b.writer !== 'string' || !Number.isSafeInteger(b.version) || (b.version as number) < 1) {
    throw new BadRequest('internal write needs {"key","value","writer": strings, "version": integer >= 1}');
  }
  const held = await replica.write(b.key, { value: b.value, version: b.version as number, writer: b.writer });
  return { ok: true, version: held.version, writer: held.writer };
}

type Settled<T> = ({ ok: true; value: T } | { ok: false; error: string }) & { answeredMs: number };

/** The clock one op is timed by: its trace's times are ms since the coordinator began serving it. */
interface OpClock {
  /** ms since the op began. */
  elapsed(): number;
}

/**
 * Start every task; resolve as soon as `needed` succeeded or all finished, with the results known
 * at that moment. `all` resolves once every task finished. Each result records when it came,
 * `sent` when each task started and `left` when its request left this node, on the op's clock.
 */
function quorumOf<T>(nodes: readonly string[], start: (node: string, onLeft: () => void) => Promise<T>, needed: number, clock: OpClock) {
  const results = new Map<string, Settled<T>>();
  const sent = new Map<string, number>();
  const left = new Map<string, number>();
  let okCount = 0;
  let resolveEarly!: () => void;
  const early = new Promise<void>((r) => (resolveEarly = r));
  const all = Promise.all(
    nodes.map((node) => {
      sent.set(node, clock.elapsed());
      return start(node, () => left.set(node, clock.elapsed())).then(
        (value) => {
          results.set(node, { ok: true, value, answeredMs: clock.elapsed() });
          if (++okCount >= needed) resolveEarly();
        },
        (e: unknown) => {
          results.set(node, { ok: false, error: e instanceof PeerError ? e.reason : (e as Error)?.message ?? String(e), answeredMs: clock.elapsed() });
        },
      );
    }),
  ).then(() => resolveEarly());
  return {
    reached: early.then(() => ({ results: new Map(results), okCount, sent, left: new Map(left) })),
    all: all.then(() => results),
  };
}

/** How many keys a coordinator remembers the last version it issued for. */
export const ISSUED_KEYS = 100_000;

/**
 * Remembers `version` as the last issued for `key`, forgetting the key issued longest ago when more
 * than `limit` are held: forgetting every key at once (as this once did) could forget a put still in
 * flight, and the next put of its key would then issue the same (version, writer) tag for another value.
 */
export function rememberIssued(issued: Map<string, number>, key: string, version: number, limit: number): void {
  issued.delete(key);
  issued.set(key, version);
  if (issued.size > limit) issued.delete(issued.keys().next().value!);
}

export class Coordinator {
  /** Last version this coordinator issued per key, so two of its own concurrent puts never share a tag. */
  private readonly issued = new Map<string, number>();

  private readonly now: () => number;

  constructor(private readonly d: CoordinatorDeps) {
    this.now = d.now ?? (() => performance.now());
  }

  /** A clock started now, for one op's trace. */
  private startClock(): OpClock {
    const t0 = this.now();
    return { elapsed: () => this.now() - t0 };
  }

  // ---- talking to one replica ---------------------------------------------------------------------

  private async readFrom(node: string, key: string, onLeft?: () => void): Promise<VersionedValue | undefined> {
    if (node === this.d.self) return this.d.replica.read(key);
    const a = await this.d.peers.call<ReadAnswer>(node, 'read', { key }, onLeft);
    if (!a.found) return undefined;
    if (typeof a.value !== 'string' || !Number.isInteger(a.version) || typeof a.writer !== 'string') throw new PeerError(node, 'answered a read with a malformed record');
    return { value: a.value, version: a.version, writer: a.writer };
  }

  private async writeTo(node: string, key: string, rec: VersionedValue, onLeft?: () => void): Promise<{ version: number; writer: string }> {
    if (node === this.d.self) {
      const held = await this.d.replica.write(key, rec);
      return { version: held.version, writer: held.writer };
    }
    const a = await this.d.peers.call<WriteAnswer>(node, 'write', { key, value: rec.value, version: rec.version, writer: rec.writer }, onLeft);
    if (a.ok !== true) throw new PeerError(node, 'did not acknowledge the write');
    return { version: a.version, writer: a.writer };
  }

  // ---- client operations --------------------------------------------------------------------------

  async put(key: string, value: string): Promise<Outcome> {
    const { self, R, W } = this.d;
    const clock = this.startClock();
    const replicaSet = this.d.replicaSet(key);
    const base = { key, coordinator: self, replicaSet };

    const reading = quorumOf(replicaSet, (n, left) => this.readFrom(n, key, left), R, clock);
    const read = await reading.reached;
    const readTrace = trace(replicaSet, read);
    if (read.okCount < R) {
      return answer(clock, 503, {
        error: `read quorum not reached before writing: ${read.okCount} of ${R} needed replicas answered the version read; nothing was written`,
        phase: 'version-read',
        replies: read.okCount,
        needed: R,
        ...base,
        replicas: readTrace,
        read: readTrace,
      });
    }
    let max = 0;
    for (const r of read.results.values()) if (r.ok && r.value && r.value.version > max) max = r.value.version;
    const version = Math.max(max, this.issued.get(key) ?? 0) + 1;
    rememberIssued(this.issued, key, version, ISSUED_KEYS);
    const rec: VersionedValue = { value, version, writer: self };

    const writing = quorumOf(replicaSet, (n, left) => this.writeTo(n, key, rec, left), W, clock);
    const wrote = await writing.reached;
    const replicas = trace(replicaSet, wrote);
    if (wrote.okCount < W) {
      return answer(clock, 503, { error: 'write quorum not reached', phase: 'write', acks: wrote.okCount, needed: W, ...base, value, version, writer: self, replicas, read: readTrace });
    }
    return answer(clock, 200, { ...base, value, version, writer: self, acks: wrote.okCount, replicas, read: readTrace });
  }

  async get(key: string): Promise<Outcome> {
    const { self, R, W, readRepair } = this.d;
    const clock = this.startClock();
    const replicaSet = this.d.replicaSet(key);
    const base = { key, coordinator: self, replicaSet };

    const reading = quorumOf(replicaSet, (n, left) => this.readFrom(n, key, left), R, clock);
    const read = await reading.reached;
    const replicas = trace(replicaSet, read);
    if (read.okCount < R) {
      return answer(clock, 503, { error: 'read quorum not reached', phase: 'read', replies: read.okCount, needed: R, ...base, replicas });
    }
    const best = newest([...read.results.values()].map((r) => (r.ok ? r.value : undefined)));

    if (readRepair === 'async') void reading.all.then((all) => this.repair(key, all));

    if (!best) return answer(clock, 404, { error: 'not found', replies: read.okCount, ...base, replicas });

    const found = { ...base, value: best.value, version: best.version, writer: best.writer, replies: read.okCount };
    if (readRepair !== 'sync') return answer(clock, 200, { ...found, replicas });

    // ABD write-back: W replicas must hold `best` (or newer) before we answer. Replicas that already
    // answered with exactly `best` count; the others are sent it.
    const holders = new Set<string>();
    for (const [node, r] of read.results) if (r.ok && r.value && compareTags(r.value, best) === 0) holders.add(node);
    if (holders.size >= W) return answer(clock, 200, { ...found, replicas, writeBack: { acks: holders.size, sent: [] } });
    const targets = replicaSet.filter((n) => !holders.has(n));
    const writing = quorumOf(targets, (n, left) => this.writeTo(n, key, best, left), W - holders.size, clock);
    const wrote = await writing.reached;
    const acks = holders.size + wrote.okCount;
    const writeBack = { acks, sent: targets, replicas: trace(targets, wrote) };
    if (acks < W) {
      return answer(clock, 503, { error: 'write-back quorum not reached', phase: 'write-back', acks, needed: W, ...base, replicas, writeBack });
    }
    return answer(clock, 200, { ...found, replicas, writeBack });
  }

  /** Async read repair: push the newest record any replica returned to those that returned older or none. */
  private repair(key: string, all: Map<string, Settled<VersionedValue | undefined>>): void {
    const best = newest([...all.values()].map((r) => (r.ok ? r.value : undefined)));
    if (!best) return;
    for (const [node, r] of all) {
      if (!r.ok) continue; // unknown state: leave it alone
      if (r.value && compareTags(r.value, best) >= 0) continue;
      this.writeTo(node, key, best).catch(() => {});
    }
  }
}

/** What each replica of `set` said and when, in the set's order: one trace for reads and writes alike. */
function trace(
  set: readonly string[],
  phase: { results: ReadonlyMap<string, Settled<{ version: number; writer: string } | undefined>>; sent: ReadonlyMap<string, number>; left: ReadonlyMap<string, number> },
): ReplicaTrace[] {
  return set.map((node) => {
    const r = phase.results.get(node);
    const sent = phase.sent.get(node);
    const left = phase.left.get(node);
    const sentMs = { ...(sent === undefined ? {} : { sentMs: toMicros(sent) }), ...(left === undefined ? {} : { leftMs: toMicros(left) }) };
    if (!r) return { node, version: null, writer: null, ok: false, pending: true, ...sentMs };
    const answeredMs = toMicros(r.answeredMs);
    if (!r.ok) return { node, version: null, writer: null, ok: false, error: r.error, ...sentMs, answeredMs };
    return { node, version: r.value?.version ?? null, writer: r.value?.writer ?? null, ok: true, ...sentMs, answeredMs };
  });
}

/** The coordinator's answer, stamped with the ms it took. */
function answer(clock: OpClock, status: number, body: Record<string, unknown>): Outcome {
  return { status, body: { ...body, elapsedMs: toMicros(clock.elapsed()) } };
}

/** ms rounded to the µs: finer than loopback latencies need, and short on the wire. */
function toMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
