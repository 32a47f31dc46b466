import type { HistoryOp } from './op.js';

export type FaultKindName = 'kill' | 'pause' | 'partition' | 'delay' | 'join' | 'leave';

/**
 * A fault from the nemesis record that began it to the one that ended it. A membership change
 * (`join`, `leave`) is an instant: it is never undone, and what follows it is the cluster's doing.
 */
export interface FaultSpan {
  kind: FaultKindName;
  /** ns since the run began; end is +Infinity for a fault the history never saw end, and the start itself for a join or leave. */
  start: number;
  end: number;
  description: string;
  /** Nodes the fault acted on (killed, paused, or on the smaller side of a partition). */
  nodes: string[];
  /** The record's value as written (cut links, groups, delays). */
  value: Record<string, unknown>;
}

const ENDS: Record<string, FaultKindName[]> = { start: ['kill'], resume: ['pause'], heal: ['partition', 'delay'] };
const STARTS = new Set<string>(['kill', 'pause', 'partition', 'delay']);
const INSTANTS = new Set<string>(['join', 'leave']);

export function faultSpans(history: readonly HistoryOp[]): FaultSpan[] {
  const spans: FaultSpan[] = [];
  const open: FaultSpan[] = [];
  for (const op of history) {
    if (op.process !== 'nemesis') continue;
    const value = (typeof op.value === 'object' && op.value !== null ? op.value : {}) as Record<string, unknown>;
    if (INSTANTS.has(op.f)) {
      spans.push({ kind: op.f as FaultKindName, start: op.time, end: op.time, description: typeof value['description'] === 'string' ? value['description'] : op.f, nodes: nodesOf(value), value });
      continue;
    }
    if (STARTS.has(op.f)) {
      const span: FaultSpan = {
        kind: op.f as FaultKindName,
        start: op.time,
        end: Number.POSITIVE_INFINITY,
        description: typeof value['description'] === 'string' ? value['description'] : op.f,
        nodes: nodesOf(value),
        value,
      };
      spans.push(span);
      open.push(span);
      continue;
    }
    const kinds = ENDS[op.f];
    if (!kinds) continue;
    for (let i = open.length - 1; i >= 0; i--) {
      if (kinds.includes(open[i]!.kind)) {
        open[i]!.end = op.time;
        open.splice(i, 1);
        break;
      }
    }
  }
  return spans;
}

function nodesOf(value: Record<string, unknown>): string[] {
  if (Array.isArray(value['nodes'])) return value['nodes'].filter((n): n is string => typeof n === 'string');
  const groups = value['groups'];
  if (Array.isArray(groups) && Array.isArray(groups[0])) return (groups[0] as unknown[]).filter((n): n is string => typeof n === 'string');
  return [];
}
