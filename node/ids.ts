/**
 * Member ids are names like `node-1`, `node-10`. The Bully election and the store's tie-break both
 * order ids, and a person expects `node-10` to outrank `node-9`: ids compare chunk by chunk, runs of
 * digits by their numeric value, everything else by code unit. Every node runs this same function,
 * so every node orders ids the same way.
 */
const CHUNK = /(\d+)|(\D+)/g;

function chunks(id: string): string[] {
  return id.match(CHUNK) ?? [];
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Negative when a ranks below b, positive above, 0 only for equal strings. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const ca = chunks(a);
  const cb = chunks(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    const xd = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const yd = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    let c: number;
    if (xd && yd) c = compareDigits(x, y);
    else c = x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  if (ca.length !== cb.length) return ca.length < cb.length ? -1 : 1;
  // Same chunks but different strings (e.g. "node-01" vs "node-1"): fall back to code units.
  return a < b ? -1 : 1;
}

/** Ids appear in URLs, logs and `--peer id=addr`: keep them to a plain, printable alphabet. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
