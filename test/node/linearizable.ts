/**
 * A small brute-force linearizability check for one register (Wing & Gong search with memoization),
 * enough for the short histories of the coordinator tests. Ops with `end: Infinity` (outcome unknown)
 * may take effect at any time after they start, or never.
 */
export interface RegisterOp {
  f: 'write' | 'read';
  value: string | null;
  start: number;
  end: number;
}

export function isLinearizable(ops: readonly RegisterOp[], initial: string | null = null): boolean {
  const n = ops.length;
  const seen = new Set<string>();
  const done = new Uint8Array(n);
  const search = (state: string | null): boolean => {
    let definite = false;
    let minEnd = Infinity;
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      if (ops[i]!.end !== Infinity) definite = true;
      if (ops[i]!.end < minEnd) minEnd = ops[i]!.end;
    }
    if (!definite) return true; // only unknown-outcome ops left: they may never have happened
    const key = `${Buffer.from(done).toString('base64')}|${state}`;
    if (seen.has(key)) return false;
    seen.add(key);
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      const op = ops[i]!;
      if (op.start > minEnd) continue; // some other op finished before this one began
      if (op.f === 'read' && op.value !== state) continue;
      done[i] = 1;
      const ok = search(op.f === 'write' ? op.value : state);
      done[i] = 0;
      if (ok) return true;
    }
    return false;
  };
  return search(initial);
}
