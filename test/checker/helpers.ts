/** Small builders for hand-made histories in tests. */
import type { HistoryOp } from '../../harness/history/op.js';

/** Seconds to our history's nanoseconds. */
export const s = (seconds: number) => Math.round(seconds * 1e9);

export interface OpSpec {
  process: number;
  f: string;
  key?: string;
  /** Invoke value (written value, [expected, new], or null for reads). */
  value?: unknown;
  /** Completion value (the value read); defaults to the invoke value. */
  result?: unknown;
  /** Invoke and completion times in seconds; completion omitted for an op that never completes. */
  call: number;
  ret?: number;
  type?: 'ok' | 'fail' | 'info';
}

/** Builds a history.jsonl-like list: invokes and completions sorted by time, indexed in order. */
export function history(...specs: OpSpec[]): HistoryOp[] {
  const events: { t: number; kind: number; op: Omit<HistoryOp, 'index'> }[] = [];
  for (const sp of specs) {
    const base = { process: sp.process, f: sp.f, ...(sp.key !== undefined ? { key: sp.key } : {}) };
    events.push({ t: s(sp.call), kind: 0, op: { ...base, type: 'invoke', value: sp.value ?? null, time: s(sp.call) } });
    if (sp.ret !== undefined) {
      const value = sp.result !== undefined ? sp.result : (sp.value ?? null);
      events.push({ t: s(sp.ret), kind: 1, op: { ...base, type: sp.type ?? 'ok', value, time: s(sp.ret) } });
    }
  }
  events.sort((a, b) => a.t - b.t || a.kind - b.kind);
  return events.map((e, index) => ({ index, ...e.op }) as HistoryOp);
}

export const write = (process: number, key: string, value: unknown, call: number, ret?: number, type?: 'ok' | 'fail' | 'info'): OpSpec => ({
  process,
  f: 'write',
  key,
  value,
  call,
  ...(ret !== undefined ? { ret } : {}),
  ...(type ? { type } : {}),
});

export const read = (process: number, key: string, result: unknown, call: number, ret?: number, type?: 'ok' | 'fail' | 'info'): OpSpec => ({
  process,
  f: 'read',
  key,
  value: null,
  result,
  call,
  ...(ret !== undefined ? { ret } : {}),
  ...(type ? { type } : {}),
});

export const cas = (process: number, key: string, from: unknown, to: unknown, call: number, ret?: number, type?: 'ok' | 'fail' | 'info'): OpSpec => ({
  process,
  f: 'cas',
  key,
  value: [from, to],
  call,
  ...(ret !== undefined ? { ret } : {}),
  ...(type ? { type } : {}),
});
