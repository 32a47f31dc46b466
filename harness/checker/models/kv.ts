/**
 * A string per key, as in Porcupine's kv tests (MIT 6.824's lab): `get` returns the current string
 * ("" before any write; a null result counts as ""), `put` replaces it, `append` adds to its end.
 *
 * The state carries a hash of its text, kept up to date as text is appended (a polynomial hash:
 * h(s + t) = h(s)·B^|t| + h(t)), so the search's cache can tell states apart without reading them:
 * appends in different orders give many states for one set of ops.
 */
import type { Model } from '../model.js';
import type { Operation } from '../operation.js';
import { formatValue } from '../values.js';

const GET = 0;
const PUT = 1;
const APPEND = 2;

export interface KvState {
  text: string;
  hash: number;
}

export interface KvStep {
  kind: number;
  /** put/append: the argument; get: the string returned. */
  text: string;
  /** get: the result is unknown (any state fits). */
  unknown: boolean;
  /** The hash of `text`, and B^|text|. */
  hash: number;
  shift: number;
}

const B = 0x01000193;

/** The hash of a text, h(s) = Σ s[i]·B^(|s|-1-i) mod 2^32. */
function textHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, B) + text.charCodeAt(i)) | 0;
  return hash;
}

/** B^n mod 2^32. */
function power(n: number): number {
  let r = 1;
  for (let i = 0; i < n; i++) r = Math.imul(r, B);
  return r;
}

const asText = (v: unknown): string => (v === null || v === undefined ? '' : (v as string));

const EMPTY: KvState = { text: '', hash: 0 };

export const kv: Model<KvState, KvStep> = {
  name: 'kv',
  reject(op) {
    if (op.f !== 'get' && op.f !== 'put' && op.f !== 'append') {
      return `the kv model knows get, put and append, not ${op.f}${op.f === 'read' || op.f === 'write' || op.f === 'cas' ? ' (use --model register or cas-register)' : ''}`;
    }
    const v = op.f === 'get' ? op.output : op.value;
    if (v !== null && v !== undefined && typeof v !== 'string') return `the kv model holds strings, and ${op.f} carries ${formatValue(v)}`;
    return undefined;
  },
  readOnly: (op) => op.f === 'get',
  partition: (op) => op.key ?? '',
  prepare(op: Operation): KvStep {
    const kind = op.f === 'get' ? GET : op.f === 'put' ? PUT : APPEND;
    const text = asText(kind === GET ? op.output : op.value);
    return { kind, text, unknown: kind === GET && op.return === Infinity, hash: textHash(text), shift: kind === APPEND ? power(text.length) : 1 };
  },
  init: () => EMPTY,
  step(state, p) {
    if (p.kind === GET) return p.unknown || (p.hash === state.hash && p.text === state.text) ? state : undefined;
    if (p.kind === PUT) return { text: p.text, hash: p.hash };
    return { text: state.text + p.text, hash: (Math.imul(state.hash, p.shift) + p.hash) | 0 };
  },
  equal: (a, b) => a.hash === b.hash && a.text === b.text,
  hash: (s) => s.hash,
  describe(op) {
    if (op.f === 'get') return op.return === Infinity ? 'get → ?' : `get → ${formatValue(asText(op.output))}`;
    return `${op.f} ${formatValue(asText(op.value))}${op.return === Infinity ? ' (outcome unknown)' : ''}`;
  },
  describeState: (state) => formatValue(state.text),
  // For the version pass: "" is the initial state (null); an append's resulting text is unknown.
  versioned(op) {
    const text = asText(op.f === 'get' ? op.output : op.value);
    if (op.f === 'append') return { role: 'write' };
    return { role: op.f === 'get' ? 'read' : 'write', value: text === '' ? null : text };
  },
};
