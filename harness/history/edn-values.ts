/** EDN data as the checker's JSON-like values. */
import { EdnSymbol, Keyword, Tagged, type EdnValue } from './edn.js';

/**
 * Plain data for an EDN value: keywords become `":name"` strings, symbols their name, vectors and
 * lists arrays, sets sorted arrays, maps objects (keys as text), tagged elements their value.
 */
export function ednToPlain(v: EdnValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof Keyword) return `:${v.name}`;
  if (v instanceof EdnSymbol) return v.name;
  if (v instanceof Tagged) return ednToPlain(v.value);
  if (Array.isArray(v)) return v.map(ednToPlain);
  if (v instanceof Set) {
    return [...v].map(ednToPlain).sort((a, b) => {
      const x = JSON.stringify(a);
      const y = JSON.stringify(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  const out: Record<string, unknown> = {};
  for (const [k, val] of v) out[ednKeyText(k)] = ednToPlain(val);
  return out;
}

/** A key or a name as text: keywords and symbols by name, strings as they are, others as plain JSON. */
export function ednKeyText(k: EdnValue): string {
  if (typeof k === 'string') return k;
  if (k instanceof Keyword || k instanceof EdnSymbol) return k.name;
  if (typeof k === 'number' || typeof k === 'boolean' || k === null) return String(k);
  return JSON.stringify(ednToPlain(k));
}
