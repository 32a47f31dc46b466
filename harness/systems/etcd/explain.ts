/**
 * Why a stale read or a lost write happened on etcd, from the revisions its replies carry and the
 * nemesis records. Pure. A read's trace says at which store revision the member answered; the
 * missed write's says which revision it made: a read answered below that revision was served from
 * a state that had not yet applied the write.
 */
import type { FaultSpan } from '../../history/fault-spans.js';
import type { OpPair } from '../../history/pairs.js';
import { secs } from '../../shared/format.js';
import type { Cause, ExplainContext, LostWriteEvidence, StaleReadEvidence } from '../types.js';
import type { EtcdTrace } from './client.js';
import type { EtcdRunSettings } from './settings.js';

export function explainEtcd(ctx: ExplainContext<EtcdRunSettings>, e: StaleReadEvidence | LostWriteEvidence): Cause {
  if (e.kind === 'lost-write') {
    const made = traceOf(e.write).modRevision;
    return {
      cause: 'unexplained',
      text: `etcd acknowledged it${typeof made === 'number' ? ` at revision ${made}` : ''}, committed on a majority, yet no member returned it after the faults healed${around(ctx.faults, e.write.end, e.finalReads[0]?.start ?? e.write.end)}`,
    };
  }
  const read = traceOf(e.read);
  const made = traceOf(e.missed).modRevision;
  const member = e.read.node ?? 'the member';
  const behind = typeof read.revision === 'number' && typeof made === 'number' && read.revision < made;
  const state = behind ? `${member} answered at store revision ${read.revision}, before it had applied revision ${made}, which the write made` : `${member} answered from a state without the write`;
  const faults = around(ctx.faults, e.missed.end, e.read.end, e.read.node);
  if (ctx.settings.reads === 'serializable') {
    return { cause: 'serializable-read', text: `${state}: a serializable read is answered from the member's own state, without asking the leader${faults}` };
  }
  return { cause: 'unexplained', text: `${state}, even though reads are linearizable (the leader should have confirmed the read index first)${faults}` };
}

function traceOf(op: OpPair): Partial<EtcdTrace> {
  return (op.trace ?? {}) as Partial<EtcdTrace>;
}

/** `, while node-3 was cut off from {node-1, node-2} (2.10 s–3.40 s)`: the faults between two moments, the member's first. */
function around(faults: readonly FaultSpan[], from: number, to: number, node?: string): string {
  const near = faults.filter((f) => f.start <= to && f.end >= from);
  if (near.length === 0) return '';
  const ordered = [...near.filter((f) => node !== undefined && (f.nodes.includes(node) || f.description.includes(node))), ...near.filter((f) => !(node !== undefined && (f.nodes.includes(node) || f.description.includes(node))))];
  return `, around ${ordered.slice(0, 2).map((f) => `${f.description} (${secs(f.start)}–${Number.isFinite(f.end) ? secs(f.end) : 'end'})`).join('; ')}`;
}
