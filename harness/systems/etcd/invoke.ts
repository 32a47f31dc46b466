/**
 * The runner's ops on etcd (the seam's Client) and what their traces say. The trace of each
 * completion is the etcd client's: the serving member's id, the store revision it answered at, the
 * key's mod_revision (of the value read, or the revision the write or cas made) and the Raft term;
 * the mod_revision is the op's version, which the version-guided witness reads as `modRevision`.
 */
import type { Client, Completion } from '../types.js';
import { createEtcdClient, type EtcdCompletion, type EtcdTrace } from './client.js';
import type { EtcdRunSettings } from './settings.js';

/**
 * A request that takes longer completes as info (a read: fail). One election timeout, and no less
 * than 500 ms: a member with a leader answers within a few round trips (p99 200 ms on a loaded
 * two-core machine), while one that cannot reach a leader holds a write for etcd's own request
 * timeout (5 s + 2 elections); a client that waited that long would leave a cut-off member's
 * workers idle, and its serializable reads unasked.
 */
export function etcdClientTimeoutMs(s: Pick<EtcdRunSettings, 'electionMs'>): number {
  return Math.max(500, s.electionMs);
}

export function createEtcdRunClient(s: EtcdRunSettings, sockets: number): Client {
  const etcd = createEtcdClient({ reads: s.reads, timeoutMs: etcdClientTimeoutMs(s), maxSocketsPerMember: sockets });
  return {
    async invoke(addr, op) {
      if (op.f === 'read') return completion(await etcd.read(addr, op.key));
      if (op.f === 'write') return completion(await etcd.write(addr, op.key, op.value));
      if (!Array.isArray(op.value) || op.value.length !== 2) return { type: 'fail', error: `a cas needs [expected, new], not ${JSON.stringify(op.value)}` };
      return completion(await etcd.cas(addr, op.key, op.value[0], op.value[1]));
    },
    close: () => etcd.close(),
  };
}

function completion(c: EtcdCompletion): Completion {
  const { trace, ...rest } = c;
  return trace ? { ...rest, trace: { ...trace } } : rest;
}

/** The key's mod_revision the op read or made; undefined when the trace has none (a failure, a missing key). */
export function etcdVersion(trace: Record<string, unknown>): number | undefined {
  const v = (trace as Partial<EtcdTrace>).modRevision;
  return typeof v === 'number' ? v : undefined;
}

export function etcdTraceLines(trace: Record<string, unknown>): string[] {
  const t = trace as Partial<EtcdTrace>;
  const parts: string[] = [];
  if (t.memberId) parts.push(`member ${t.memberId}`);
  if (typeof t.raftTerm === 'number') parts.push(`term ${t.raftTerm}`);
  if (typeof t.revision === 'number') parts.push(`store revision ${t.revision}`);
  if (t.modRevision !== undefined) parts.push(t.modRevision === null ? 'no such key' : `mod_revision ${t.modRevision}`);
  if ('found' in t) parts.push(`compare failed: the key held ${JSON.stringify(t.found ?? null)}`);
  return parts.length > 0 ? [parts.join('; ')] : [];
}
