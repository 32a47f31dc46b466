import type { OpPair } from '../history/pairs.js';
import { nearestRank } from '../shared/sorted.js';

export interface Quantiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface OpStats {
  count: number;
  ok: number;
  fail: number;
  info: number;
  /** Latency of ok ops, in ms. */
  latencyMs: Quantiles | null;
}

export interface Stats {
  /** Per op function (read, write) and in total; final reads are counted apart. */
  byF: Record<string, OpStats>;
  total: OpStats;
  final: OpStats;
  /** Share of completed ops that were ok, per second of the run (index = second). */
  availability: (number | null)[];
  /** Completed ops per second (index = second). */
  throughput: number[];
  durationS: number;
}

export function computeStats(pairs: readonly OpPair[]): Stats {
  const main = pairs.filter((p) => !p.final);
  const byF: Record<string, OpStats> = {};
  for (const f of new Set(main.map((p) => p.f))) byF[f] = opStats(main.filter((p) => p.f === f));
  const lastEnd = main.reduce((last, p) => Math.max(last, Number.isFinite(p.end) ? p.end : p.start), 0);
  const seconds = Math.ceil(lastEnd / 1e9) || 0;
  const okPer = new Array<number>(seconds).fill(0);
  const donePer = new Array<number>(seconds).fill(0);
  for (const p of main) {
    const at = Number.isFinite(p.end) ? p.end : p.start;
    const s = Math.min(seconds - 1, Math.floor(at / 1e9));
    if (s < 0) continue;
    donePer[s]!++;
    if (p.type === 'ok') okPer[s]!++;
  }
  return {
    byF,
    total: opStats(main),
    final: opStats(pairs.filter((p) => p.final)),
    availability: donePer.map((done, s) => (done === 0 ? null : okPer[s]! / done)),
    throughput: donePer,
    durationS: lastEnd / 1e9,
  };
}

function opStats(pairs: readonly OpPair[]): OpStats {
  const latencies = pairs.filter((p) => p.type === 'ok').map((p) => (p.end - p.start) / 1e6);
  return {
    count: pairs.length,
    ok: pairs.filter((p) => p.type === 'ok').length,
    fail: pairs.filter((p) => p.type === 'fail').length,
    info: pairs.filter((p) => p.type === 'info').length,
    latencyMs: quantiles(latencies),
  };
}

export function quantiles(values: readonly number[]): Quantiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => nearestRank(sorted, q);
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]!) };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
