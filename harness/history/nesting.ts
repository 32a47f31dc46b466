/**
 * How deep a history's values may nest. JSON.stringify, the checker's canonical form of values and
 * the EDN reader all recurse, so a value nested thousands deep would exhaust the stack; the readers
 * refuse such input instead (a bad-input error, exit 2). Jepsen's and our histories nest a few
 * levels at most.
 */
export const MAX_NESTING = 100;

/** Is `value` (plain JSON-like data) nested deeper than `max` arrays and objects? Iterative. */
export function nestedDeeperThan(value: unknown, max = MAX_NESTING): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
