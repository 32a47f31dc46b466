import type { HistoryOp } from '../../harness/history/op.js';
import type { ReplicaTrace } from '../../harness/systems/godist/trace.js';

/**
 * Hand-made histories for tests: times are in milliseconds here and stored in ns, as the harness
 * stores them. `op(process, f, key, value, startMs, endMs, type)` appends an invoke and, unless the
 * type is 'pending', its completion; records are sorted by time, invokes first at equal times.
 */
export function historyOf(
  build: (h: {
    op(process: number, f: 'read' | 'write' | 'cas', key: string, value: unknown, startMs: number, endMs: number, type?: 'ok' | 'fail' | 'info' | 'pending', extra?: { trace?: ReplicaTrace; node?: string; final?: boolean }): void;
    nemesis(f: string, atMs: number, value: Record<string, unknown>): void;
  }) => void,
): HistoryOp[] {
  const raw: { op: Omit<HistoryOp, 'index'>; order: number }[] = [];
  build({
    op(process, f, key, value, startMs, endMs, type = 'ok', extra = {}) {
      const common = { process, f, key, ...(extra.node ? { node: extra.node } : {}), ...(extra.final ? { final: true } : {}) };
      raw.push({ op: { type: 'invoke', ...common, value: f === 'read' ? null : value, time: startMs * 1e6 }, order: 0 });
      if (type !== 'pending') {
        raw.push({
          op: { type, ...common, value: f === 'read' && type !== 'ok' ? null : value, time: endMs * 1e6, ...(extra.trace ? { trace: { ...extra.trace } } : {}) },
          order: 1,
        });
      }
    },
    nemesis(f, atMs, value) {
      raw.push({ op: { type: 'info', process: 'nemesis', f, value, time: atMs * 1e6 }, order: 0 });
    },
  });
  raw.sort((a, b) => a.op.time - b.op.time || a.order - b.order);
  return raw.map((r, index) => ({ index, ...r.op }) as HistoryOp);
}
