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
 *
 * The text may come as the file's bytes: a long run's history (a million ops with their traces is
 * about 650 MB) is longer than the longest string V8 can hold, so it is decoded a line at a time.
 */
export function readJsonl(text: string | Buffer, options: { tornTail?: boolean } = {}): ReadHistory {
  const history: HistoryOp[] = [];
  const lines: number[] = [];
  const seen = new Map<number, number>(); // index → line
  let line = 0;
  for (let at = 0; at < text.length; ) {
    let end = typeof text === 'string' ? text.indexOf('\n', at) : text.indexOf(NEWLINE, at);
    if (end === -1) end = text.length;
    const row = (typeof text === 'string' ? text.slice(at, end) : text.toString('utf8', at, end)).trim();
    at = end + 1;
    line++;
    if (row === '') continue;
    const bad = (what: string): never => {
      throw new UsageError(`line ${line}: ${what}`);
    };
    let rec: unknown;
    try {
      rec = JSON.parse(row);
    } catch (err) {
      if (options.tornTail && blankFrom(text, at)) break;
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

const NEWLINE = 0x0a;

/** Whether nothing but white space follows `at`: the line before it was the last. */
function blankFrom(text: string | Buffer, at: number): boolean {
  if (typeof text === 'string') return text.slice(at).trim() === '';
  for (let i = at; i < text.length; i++) {
    const b = text[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return true;
}

/** A field's value in a message: JSON, cut short (a field may hold a whole document). */
function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
