/**
 * Reads history.jsonl (the contract in ARCHITECTURE.md): one JSON object a line. Pure over text;
 * finding the file (or a results folder's history.jsonl) is the caller's business. Errors name the
 * line; the caller adds the file.
 */
import { UsageError } from '../shared/usage-error.js';
import type { HistoryOp, OpType } from './op.js';
import { MAX_NESTING, nestedDeeperThan } from './nesting.js';

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
  const seen = new Map<number, number>(); // index → line
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
    if (nestedDeeperThan(rec)) bad(`values nested deeper than ${MAX_NESTING} levels (a history's values nest a few levels at most)`);
    const r = rec as Record<string, unknown>;
    if (!Number.isSafeInteger(r.index) || (r.index as number) < 0) bad(`"index" must be an integer >= 0, not ${show(r.index)}`);
    const twin = seen.get(r.index as number);
    if (twin !== undefined) bad(`"index" ${r.index as number} was already used on line ${twin} (every record has its own index)`);
    seen.set(r.index as number, line);
    if (typeof r.type !== 'string' || !TYPES.has(r.type)) bad(`"type" must be invoke, ok, fail or info, not ${show(r.type)}`);
    if (!(r.process === 'nemesis' || (Number.isInteger(r.process) && (r.process as number) >= 0))) {
      bad(`"process" must be a non-negative integer or "nemesis", not ${show(r.process)}`);
    }
    if (typeof r.f !== 'string' || r.f === '') bad(`"f" must be a non-empty string, not ${show(r.f)}`);
    if (r.key !== undefined && (typeof r.key !== 'string' || r.key === '')) bad(`"key" must be a string (not empty), not ${show(r.key)}`);
    if (typeof r.time !== 'number' || !Number.isFinite(r.time) || r.time < 0) bad(`"time" must be a number (ns since the run began, >= 0), not ${show(r.time)}`);
    if (!('value' in r)) r.value = null;
    history.push(r as unknown as HistoryOp);
    lines.push(line);
  }
  return { history, lines };
}

/** A field's value in a message: JSON, cut short (a field may hold a whole document). */
function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
