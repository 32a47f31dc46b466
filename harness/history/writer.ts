import { closeSync, openSync, writeSync } from 'node:fs';
import { onCleanup } from '../process/cleanup.js';
import type { HistoryOp } from './op.js';

export type NewOp = Omit<HistoryOp, 'index' | 'time'>;

export interface HistoryWriter {
  /** Nanoseconds since the run began. */
  now(): number;
  /**
   * Wall-clock time (ms since the Unix epoch, fractional) of the history's time 0: what lines up
   * the nodes' own logs (`t` in epoch ms) with the history.
   */
  readonly epochMs: number;
  /** Stamps the op with the next index and the current time, keeps it and queues it for disk. */
  append(op: NewOp): HistoryOp;
  readonly ops: readonly HistoryOp[];
  close(): void;
}

/**
 * history.jsonl, streamed: lines are flushed every `flushMs` and whenever the harness ends, so a
 * run that crashes or is interrupted still leaves a checkable history (its last ops may lack their
 * completion, which checkers treat as info).
 */
export function createHistoryWriter(file: string, flushMs = 100): HistoryWriter {
  const fd = openSync(file, 'w');
  const origin = process.hrtime.bigint();
  const epochMs = performance.timeOrigin + performance.now();
  const ops: HistoryOp[] = [];
  let pending: string[] = [];
  let closed = false;

  const flush = () => {
    if (pending.length === 0 || closed) return;
    const text = pending.join('');
    pending = [];
    writeSync(fd, text);
  };
  const timer = setInterval(flush, flushMs);
  timer.unref();
  const forget = onCleanup(() => close());

  function close(): void {
    if (closed) return;
    flush();
    closed = true;
    clearInterval(timer);
    forget();
    closeSync(fd);
  }

  const now = () => Number(process.hrtime.bigint() - origin);
  return {
    now,
    epochMs,
    append(op) {
      // Fields in the contract's order, so the file reads like the README's example.
      const { type, process: proc, f, key, value, ...rest } = op;
      const line: HistoryOp = { index: ops.length, type, process: proc, f, ...(key === undefined ? {} : { key }), value, time: now(), ...rest };
      ops.push(line);
      if (!closed) pending.push(JSON.stringify(line) + '\n');
      return line;
    },
    ops,
    close,
  };
}
