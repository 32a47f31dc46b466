/**
 * How times and node sets are written in every sentence the harness prints (fault descriptions,
 * explanations, findings), so that they all read "at 1.20 s" and "{node-1, node-2}" alike. Pure.
 */

/** ns since the run began → "1.20 s". */
export function secs(ns: number): string {
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** A length of time a person reads at a glance: "2.4 s", "380 ms". */
export function duration(ns: number): string {
  const ms = ns / 1e6;
  if (ms < 1) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** "{node-1, node-2}". */
export function set(ids: readonly string[]): string {
  return `{${ids.join(', ')}}`;
}

/** "node-2", "node-2 and node-3", "node-1, node-2 and node-3". */
export function list(ids: readonly string[]): string {
  return ids.length <= 1 ? (ids[0] ?? '') : `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}
