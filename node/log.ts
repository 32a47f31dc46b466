/**
 * The node's event log: one JSON object per line on stdout, `{"t": ms, "node": id, "event": ...}`.
 * Events are past-tense facts, named once and reused (the harness and its reports parse them):
 * started, internal-routes-open, internal-request-refused, member-joined, member-refused, joined,
 * join-failed, alive, suspect, dead, stalled, election-started, leader-elected, log-replayed,
 * log-compacted, log-append-failed, log-append-recovered, stopped, failed. Nothing is logged per request (a refused one is logged the first
 * time and then every 1,000th).
 */
export type LogFields = Record<string, unknown>;

export interface EventLog {
  (event: string, fields?: LogFields): void;
}

export function createEventLog(node: string, write: (line: string) => void = (l) => process.stdout.write(l), clock: () => number = Date.now): EventLog {
  return (event, fields = {}) => {
    let line: string;
    try {
      line = JSON.stringify({ t: clock(), node, event, ...fields });
    } catch {
      line = JSON.stringify({ t: clock(), node, event, note: 'fields could not be serialized' });
    }
    write(line + '\n');
  };
}
