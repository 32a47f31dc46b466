/**
 * Reads history.jsonl (the contract in ARCHITECTURE.md): one JSON object a line. Pure over text;
 * finding the file (or a results folder's history.jsonl) is the caller's business. Errors name the
 * line; the caller adds the file.
 */
import { UsageError } from '../shared/usage-error.js';
import type { HistoryOp, OpType } from './op.js';

export interface ReadHistory {
  history: HistoryOp[];
  /** The 1-based source line of each record. */
  lines: number[];
}

const TYPES: ReadonlySet<string> = new Set<OpType>(['invoke', 'ok', 'fail', 'info']);

/**
 * `tornTail`: a last line that is not whole JSON is left out, as a run cut short by a crash or Ctrl-C
 * leaves it (the report reads such a history; `godist check` names the line instead).
 */
export function readJsonl(text: string, options: { tornTail?: boolean } = {}): ReadHistory {
  const history: HistoryOp[] = [];
  const lines: number[] = [];
  const rows = text.split('\n');
  let last = rows.length - 1;
  while (last >= 0 && rows[last]!.trim() === '') last--;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!.trim();
    if (row === '') continue;
    const line = i + 1;
    const bad = (what: string): never => {
      throw new UsageError(`line ${line}: ${what}`);
    };
    let rec: unknown;
    try {
      rec = JSON.parse(row);
    } catch (err) {
      if (options.tornTail && i === last) break;
      bad(`not JSON (${(err as Error).message})`);
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) bad('expected a JSON object, one per line');
    const r = rec as Record<string, unknown>;
    if (!Number.isInteger(r.index)) bad(`"index" must be an integer, not ${JSON.stringify(r.index)}`);
    if (typeof r.type !== 'string' || !TYPES.has(r.type)) bad(`"type" must be invoke, ok, fail or info, not ${JSON.stringify(r.type)}`);
    if (!(r.process === 'nemesis' || (Number.isInteger(r.process) && (r.process as number) >= 0))) {
      bad(`"process" must be a non-negative integer or "nemesis", not ${JSON.stringify(r.process)}`);
    }
    if (typeof r.f !== 'string' || r.f === '') bad(`"f" must be a non-empty string, not ${JSON.stringify(r.f)}`);
    if (r.key !== undefined && typeof r.key !== 'string') bad(`"key" must be a string, not ${JSON.stringify(r.key)}`);
    if (typeof r.time !== 'number' || !Number.isFinite(r.time)) bad(`"time" must be a number (ns since the run began), not ${JSON.stringify(r.time)}`);
    if (!('value' in r)) r.value = null;
    history.push(r as unknown as HistoryOp);
    lines.push(line);
  }
  return { history, lines };
}
