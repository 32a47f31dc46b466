/**
 * The GoDist node's own log (`nodes/<id>.log`, one JSON object a line) read for the events that bear
 * on its view of the cluster, on the history's time base. The node logs its view changes under the
 * harness's own event names, so the mapping is one to one.
 */
import { NODE_EVENT_NAMES, type NodeEvent, type NodeEventName } from '../../checks/observations.js';

const VIEW_EVENTS: ReadonlySet<string> = new Set(NODE_EVENT_NAMES);

/**
 * One node's log text → the events that bear on its view, on the history's time base. `epochMs` is
 * the wall-clock time of the history's time 0 (run.json `historyEpochMs`). Lines that are not JSON
 * (a crash's stack trace) are skipped.
 */
export function parseNodeLog(text: string, epochMs: number): NodeEvent[] {
  const events: NodeEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const { t, node, event } = raw;
    if (typeof t !== 'number' || typeof node !== 'string' || typeof event !== 'string' || !VIEW_EVENTS.has(event)) continue;
    const e: NodeEvent = { time: Math.round((t - epochMs) * 1e6), node, event: event as NodeEventName };
    for (const k of ['peer', 'from', 'reason', 'leader'] as const) if (typeof raw[k] === 'string') e[k] = raw[k] as string;
    for (const k of ['silenceMs', 'gapMs'] as const) if (typeof raw[k] === 'number') e[k] = raw[k] as number;
    events.push(e);
  }
  return events;
}

