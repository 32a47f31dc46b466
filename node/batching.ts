/**
 * Coalescing of small node-to-node requests. A coordinator's replica reads and writes to the same
 * peer are queued; at most `maxInFlight` HTTP requests per peer are outstanding, and whatever queued
 * up meanwhile leaves together as one POST /internal/batch (like group commit: no waiting when idle,
 * bigger batches under load). Each queued call keeps its own timeout, started when it was queued.
 *
 * Wire: {"ops":[{"op":"read","body":{...}}, ...]} → {"results":[{"ok":true,"value":...} | {"ok":false,"error":"..."}, ...]}
 */
import { PeerError, type Transport } from './transport.js';
import { parseReadAnswer, parseWriteAnswer, type BatchItem, type BatchOp, type ReplicaReadMessage, type ReplicaWriteMessage } from './peer-messages.js';

export type { BatchOp };

export interface PeerCaller {
  /** `onLeft` is called when the request leaves this node (it may first wait in the peer's queue). */
  call<T>(peer: string, op: BatchOp, body: unknown, onLeft?: () => void): Promise<T>;
}

export interface BatchResult {
  ok: boolean;
  value?: unknown;
  error?: string;
}

interface Item {
  op: BatchOp;
  json: string;
  done: boolean;
  timer: NodeJS.Timeout;
  onLeft: (() => void) | undefined;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface PeerQueue {
  items: Item[];
  inFlight: number;
  scheduled: boolean;
}

export class Batcher implements PeerCaller {
  private readonly queues = new Map<string, PeerQueue>();
  /** Requests sent and operations carried, for /cluster/status and benchmarks. */
  readonly stats = { batches: 0, ops: 0 };

  constructor(
    private readonly transport: Pick<Transport, 'postRaw'>,
    private readonly opts: { timeoutMs: number; maxInFlight?: number; maxOps?: number; maxBytes?: number },
  ) {}

  private get maxInFlight(): number {
    return this.opts.maxInFlight ?? 2;
  }

  call<T>(peer: string, op: BatchOp, body: unknown, onLeft?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const item: Item = {
        op,
        json: JSON.stringify(body),
        done: false,
        onLeft,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: setTimeout(() => settle(item, new PeerError(peer, `no answer within ${this.opts.timeoutMs}ms`)), this.opts.timeoutMs),
      };
      let q = this.queues.get(peer);
      if (!q) this.queues.set(peer, (q = { items: [], inFlight: 0, scheduled: false }));
      q.items.push(item);
      // Send at the end of this turn of the event loop, so that every call made while handling the
      // requests that arrived together leaves in one batch.
      if (!q.scheduled && q.inFlight < this.maxInFlight) {
        q.scheduled = true;
        setImmediate(() => {
          q.scheduled = false;
          this.pump(peer, q);
        });
      }
    });
  }

  private pump(peer: string, q: PeerQueue): void {
    const maxOps = this.opts.maxOps ?? 128;
    const maxBytes = this.opts.maxBytes ?? 512 * 1024;
    while (q.inFlight < this.maxInFlight) {
      const batch: Item[] = [];
      let bytes = 0;
      while (q.items.length > 0 && batch.length < maxOps) {
        const it = q.items[0]!;
        if (it.done) {
          q.items.shift();
          continue;
        }
        if (batch.length > 0 && bytes + it.json.length > maxBytes) break;
        q.items.shift();
        batch.push(it);
        bytes += it.json.length;
      }
      if (batch.length === 0) return;
      q.inFlight++;
      this.stats.batches++;
      this.stats.ops += batch.length;
      const payload = `{"ops":[${batch.map((it) => `{"op":"${it.op}","body":${it.json}}`).join(',')}]}`;
      for (const it of batch) it.onLeft?.();
      this.transport
        .postRaw<{ results?: BatchResult[] }>({ peer }, '/internal/batch', payload, this.opts.timeoutMs)
        .then(
          (answer) => {
            const results = Array.isArray(answer?.results) ? answer.results : [];
            batch.forEach((it, i) => {
              const r = results[i];
              if (!r) settle(it, new PeerError(peer, 'answered a batch without this operation'));
              else if (r.ok) settleAnswer(peer, it, r.value);
              else settle(it, new PeerError(peer, `refused: ${typeof r.error === 'string' ? r.error : 'no reason given'}`));
            });
          },
          (e: unknown) => {
            const err = e instanceof PeerError ? e : new PeerError(peer, String((e as Error)?.message ?? e));
            for (const it of batch) settle(it, err);
          },
        )
        .finally(() => {
          q.inFlight--;
          this.pump(peer, q);
        });
    }
  }
}

/** A replica's answer is believed only in the shape and within the bounds of the protocol. */
function settleAnswer(peer: string, it: Item, value: unknown): void {
  let answer: unknown;
  try {
    answer = it.op === 'read' ? parseReadAnswer(value) : parseWriteAnswer(value);
  } catch (e) {
    settle(it, new PeerError(peer, `answered a ${it.op} with a malformed record: ${(e as Error).message}`));
    return;
  }
  settle(it, undefined, answer);
}

function settle(it: Item, err: Error | undefined, value?: unknown): void {
  if (it.done) return;
  it.done = true;
  clearTimeout(it.timer);
  if (err) it.reject(err);
  else it.resolve(value);
}

/**
 * Serve POST /internal/batch (already read by peer-messages.ts's parseBatch) with the node's handlers
 * for each op; every op answers on its own (a replica whose log cannot take a write says so for that
 * op alone).
 */
export async function serveBatch(
  items: readonly BatchItem[],
  handlers: { read(body: ReplicaReadMessage): unknown; write(body: ReplicaWriteMessage): unknown },
): Promise<{ results: BatchResult[] }> {
  const results = await Promise.all(
    items.map(async (item): Promise<BatchResult> => {
      try {
        return { ok: true, value: await (item.op === 'read' ? handlers.read(item.body) : handlers.write(item.body)) };
      } catch (e) {
        return { ok: false, error: (e as Error)?.message ?? String(e) };
      }
    }),
  );
  return { results };
}
