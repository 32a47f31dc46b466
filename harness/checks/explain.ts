/**
 * The sentence for each stale read and lost write: what the history shows (the read, the write it
 * missed, when), then, after a colon, why — as far as the system under test can tell from its traces.
 * Pure: the same history gives the same words.
 */
import type { OpPair } from '../history/pairs.js';
import { secs, set } from '../shared/format.js';
import type { Cause, ExplainContext, SystemSettings, SystemUnderTest } from '../systems/types.js';
import type { LostWrite } from './lost-writes.js';
import type { StaleRead } from './stale-reads.js';

export interface Explained {
  cause: string;
  explanation: string;
}

/** How the checks reach the system's side of the sentence. */
export interface Explainer {
  system: Pick<SystemUnderTest, 'explain' | 'version'>;
  ctx: ExplainContext<SystemSettings>;
}

export function explainStaleRead(e: Explainer, s: StaleRead): Explained {
  const { read, missed } = s;
  // The newest write the read missed is the one a person checks first: it was the latest
  // acknowledged value when the read began.
  const w = missed.reduce((newest, m) => (m.end > newest.end ? m : newest));
  const returned = s.source ? `${show(read.value)}${versionOf(e, read)}` : 'nothing';
  const more = s.versionsBehind > 1 ? ` (the newest of ${s.versionsBehind} acknowledged writes it missed)` : '';
  const head =
    `read of ${s.key}${through(read)} at ${secs(read.start)} returned ${returned}, but ${show(w.value)}${versionOf(e, w)} ` +
    `had been acknowledged at ${secs(w.end)}, ${Math.round((read.start - w.end) / 1e6)} ms before the read began${more}`;
  return withCause(head, e.system.explain?.(e.ctx, { kind: 'stale-read', key: s.key, read, missed: w }));
}

export function explainLostWrite(e: Explainer, lost: LostWrite): Explained {
  const { write, finalReads } = lost;
  const seen = [...new Set(finalReads.map((r) => (r.value === null ? 'nothing' : show(r.value))))].join(' or ');
  const nodes = [...new Set(finalReads.map((r) => r.node).filter((n): n is string => n !== undefined))];
  const head =
    `write of ${show(write.value)} to ${lost.key}${versionOf(e, write)} was acknowledged at ${secs(write.end)}, ` +
    `but the final reads${nodes.length > 0 ? ` through ${set(nodes)}` : ''} returned ${seen}`;
  return withCause(head, e.system.explain?.(e.ctx, { kind: 'lost-write', key: lost.key, write, finalReads }));
}

function withCause(head: string, cause: Cause | undefined): Explained {
  if (!cause) return { cause: 'unexplained', explanation: `${head}: the system under test gives no account of its replicas to explain it.` };
  return { cause: cause.cause, explanation: `${head}: ${cause.text}.` };
}

function versionOf(e: Explainer, op: OpPair): string {
  const v = op.trace ? e.system.version?.(op.trace) : undefined;
  return v !== undefined ? ` (version ${v})` : '';
}

function through(op: OpPair): string {
  return op.node ? ` through ${op.node}` : '';
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'nothing' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}
