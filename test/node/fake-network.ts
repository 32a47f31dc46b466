/**
 * An in-memory network of replicas for coordinator tests: each call is delayed, may be dropped on the
 * way there or on the way back (the caller sees a timeout), and fails at once when the target is down.
 */
import { Replica } from '../../node/replica.js';
import { serveRead, serveWrite } from '../../node/coordinator.js';
import { PeerError } from '../../node/transport.js';
import type { PeerCaller, BatchOp } from '../../node/batching.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FakeNetwork {
  readonly replicas = new Map<string, Replica>();
  readonly down = new Set<string>();
  /** "a|b": calls from a to b are lost. */
  readonly cut = new Set<string>();
  dropRequest = 0;
  dropReply = 0;
  maxDelayMs = 0;
  timeoutMs = 20;
  random: () => number = Math.random;

  constructor(ids: string[]) {
    for (const id of ids) this.replicas.set(id, Replica.inMemory());
  }

  callerFor(from: string): PeerCaller {
    return {
      call: async <T>(peer: string, op: BatchOp, body: unknown): Promise<T> => {
        const target = this.replicas.get(peer);
        if (!target || this.down.has(peer)) throw new PeerError(peer, 'connection refused');
        const lost = () => sleep(this.timeoutMs).then(() => {
          throw new PeerError(peer, `no answer within ${this.timeoutMs}ms`);
        });
        if (this.cut.has(`${from}|${peer}`) || this.random() < this.dropRequest) return lost();
        await sleep(Math.floor(this.random() * (this.maxDelayMs + 1)));
        const answer = op === 'read' ? serveRead(target, body) : await serveWrite(target, body);
        if (this.cut.has(`${peer}|${from}`) || this.random() < this.dropReply) return lost();
        await sleep(Math.floor(this.random() * (this.maxDelayMs + 1)));
        return answer as T;
      },
    };
  }
}
