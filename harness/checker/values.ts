/**
 * Values as the models compare and print them. History values are JSON (or EDN read as JSON-like
 * data): primitives compare with `===`; objects and arrays are turned into one canonical string
 * once, before the search, so the search still compares with `===`.
 */

/** Marks a canonical object key so it never equals a plain string value. */
const OBJECT_MARK = '\u0000';

export type ValueKey = string | number | boolean | null;

/** A value's identity for comparisons: itself when primitive, a canonical JSON string otherwise. */
export function valueKey(v: unknown): ValueKey {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return OBJECT_MARK + canonicalJson(v);
}

/** The value a key stands for, for printing. */
export function keyValue(k: ValueKey): unknown {
  if (typeof k === 'string' && k.startsWith(OBJECT_MARK)) return JSON.parse(k.slice(1));
  return k;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** A value for a sentence: numbers bare, strings quoted, null as `null`, long ones cut. */
export function formatValue(v: unknown, max = 60): string {
  const text = typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v ?? null);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
