/**
 * Measures a membership change on the members' own rings: just before the change, every running
 * member is asked for the replica sets of the probe keys; after it, the members are asked every
 * `pollMs` for the members their ring is built over until all name the cluster's members, and once
 * they agree (or the time allowed runs out), for the probe keys' replica sets again. Each change
 * is one line of ownership.jsonl; the figures are checks/ownership.ts's.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { probeKeys, type OwnershipObservation, type RingSnapshot } from '../checks/ownership.js';
import { sleep } from '../process/node-processes.js';
import type { Cluster, Ownership, SystemUnderTest } from '../systems/types.js';

export interface OwnershipProbeOptions {
  cluster: Pick<Cluster, 'ids' | 'addresses' | 'state'>;
  ownership: NonNullable<SystemUnderTest['ownership']>;
  /** The history's clock: ns since the run began. */
  now(): number;
  /** ownership.jsonl; none when undefined (tests). */
  file?: string;
  keys?: number;
  pollMs?: number;
  timeoutMs?: number;
}

export interface OwnershipProbe {
  readonly observations: readonly OwnershipObservation[];
  /** Every running member's ring and the probe keys' placements on it, now. */
  snapshot(): Promise<RingSnapshot>;
  /**
   * After a change recorded at `change.time`: waits until every running member routes by the
   * cluster's members (or until `deadline`, ns, or `stopped()`), then takes the after snapshot.
   */
  settle(change: OwnershipObservation['change'], before: RingSnapshot, deadline: number, stopped: () => boolean): Promise<OwnershipObservation>;
  close(): void;
}

export const PROBE_KEYS = 1000;
export const POLL_MS = 25;

export function ownershipProbe(o: OwnershipProbeOptions): OwnershipProbe {
  const count = o.keys ?? PROBE_KEYS;
  const keys = probeKeys(count);
  const pollMs = o.pollMs ?? POLL_MS;
  const timeoutMs = o.timeoutMs ?? 500;
  const fd = o.file === undefined ? undefined : openSync(o.file, 'w');
  const observations: OwnershipObservation[] = [];
  let closed = false;
  const running = () => o.cluster.ids.filter((id) => o.cluster.state(id) === 'running');
  const ask = (ids: readonly string[], withKeys: boolean) =>
    Promise.all(ids.map((id) => o.ownership(o.cluster.addresses[id]!, withKeys ? keys : [], timeoutMs)));

  async function snapshot(): Promise<RingSnapshot> {
    const time = o.now();
    const ids = running();
    const answers = (await ask(ids, true)).filter((a): a is Ownership & { placements: string[][] } => a?.placements !== undefined);
    // The ring most members gave is the cluster's; how many rings there were says whether they agreed.
    const byRing = new Map<string, { ring: Ownership & { placements: string[][] }; count: number }>();
    for (const a of answers) {
      const k = JSON.stringify(a.placements);
      const seen = byRing.get(k);
      if (seen) seen.count++;
      else byRing.set(k, { ring: a, count: 1 });
    }
    const top = [...byRing.values()].sort((a, b) => b.count - a.count)[0];
    return {
      time,
      members: [...(top?.ring.members ?? [])].sort(),
      placements: top?.ring.placements ?? [],
      asked: ids.length,
      answered: answers.length,
      rings: byRing.size,
    };
  }

  async function settle(change: OwnershipObservation['change'], before: RingSnapshot, deadline: number, stopped: () => boolean): Promise<OwnershipObservation> {
    let agreedAt: number | undefined;
    while (!stopped() && o.now() < deadline) {
      const expected = JSON.stringify([...o.cluster.ids].sort());
      const ids = running();
      const answers = await ask(ids, false);
      if (answers.every((a) => a !== undefined && JSON.stringify([...a.members].sort()) === expected)) {
        // The members agreed by the time the last of them answered.
        agreedAt = o.now();
        break;
      }
      await sleep(pollMs);
    }
    const after = await snapshot();
    const observation: OwnershipObservation = {
      change,
      keys: count,
      before,
      after: after.answered > 0 ? after : null,
      agreedNs: agreedAt === undefined ? null : Math.max(0, agreedAt - change.time),
      pollMs,
    };
    observations.push(observation);
    if (fd !== undefined && !closed) writeSync(fd, JSON.stringify(observation) + '\n');
    return observation;
  }

  return {
    observations,
    snapshot,
    settle,
    close() {
      if (fd !== undefined && !closed) closeSync(fd);
      closed = true;
    },
  };
}
