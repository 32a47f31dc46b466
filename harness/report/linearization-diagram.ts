import type { OpPair } from '../history/pairs.js';
import { esc } from './html.js';

/**
 * One failing key drawn as Porcupine's visualizer draws it: the key's ops as bars on a time axis,
 * one row per process; the ops of the longest partial linearization numbered in linearization
 * order, the ops that could not be placed marked. Only the neighbourhood of the failure is drawn
 * (a long history would be a thousand bars wide); the caption says how much of the linearization
 * that is. Pure: returns SVG text.
 */
export interface FailedKey {
  key: string;
  /** Invoke indices of the longest partial linearization, in order. */
  longest: number[];
  /** Invoke indices of the ops that could not be placed after it. */
  couldNotPlace: number[];
  stateAfter?: unknown;
}

const WIDTH = 960;
const LEFT = 90;
const RIGHT = 20;
const ROW = 30;
const TOP = 28;
const TAIL = 6;
const MAX_BARS = 80;

export function linearizationDiagram(failure: FailedKey, pairs: readonly OpPair[]): string {
  const byIndex = new Map<number, OpPair>();
  for (const p of pairs) if (p.key === failure.key) byIndex.set(p.index, p);
  const order = new Map<number, number>(failure.longest.map((idx, i) => [idx, i + 1]));
  const tail = failure.longest.slice(-TAIL);
  const focus = [...tail, ...failure.couldNotPlace].map((i) => byIndex.get(i)).filter((p): p is OpPair => p !== undefined);
  if (focus.length === 0) return `<p class="muted">No ops of ${esc(failure.key)} to draw.</p>`;

  const finiteEnd = (p: OpPair) => (Number.isFinite(p.end) ? p.end : p.start);
  let from = Math.min(...focus.map((p) => p.start));
  let to = Math.max(...focus.map(finiteEnd));
  const pad = Math.max((to - from) * 0.08, 1e6);
  from -= pad;
  to += pad;
  const focusSet = new Set(focus.map((p) => p.index));
  const inWindow = [...byIndex.values()].filter((p) => p.start <= to && finiteEnd(p) >= from && (p.type !== 'fail' || focusSet.has(p.index)));
  const shown = inWindow
    .sort((a, b) => Number(focusSet.has(b.index)) - Number(focusSet.has(a.index)) || a.start - b.start)
    .slice(0, MAX_BARS)
    .sort((a, b) => a.start - b.start);
  const processes = [...new Set(shown.map((p) => p.process))].sort((a, b) => a - b);
  const row = new Map(processes.map((p, i) => [p, i]));
  const height = TOP + processes.length * ROW + 30;
  // As Porcupine does, x follows the order of invocations and completions rather than raw time:
  // ops of a millisecond a hundred milliseconds apart stay readable. Each event gets one step.
  const events = [...new Set(shown.flatMap((p) => (Number.isFinite(p.end) ? [p.start, p.end] : [p.start])))].sort((a, b) => a - b);
  const rank = new Map(events.map((t, i) => [t, i]));
  const step = Math.max(26, (WIDTH - LEFT - RIGHT) / (events.length + 1));
  const width = Math.max(WIDTH, LEFT + RIGHT + step * (events.length + 1));
  const x = (ns: number) => LEFT + step * (Number.isFinite(ns) ? rank.get(ns)! + 0.5 : events.length + 0.5);

  const parts: string[] = [];
  parts.push(`<svg class="linearization" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="linearization of ${esc(failure.key)}">`);
  parts.push(`<style>.lz text{font:11px ui-monospace,monospace}.lz .bar{cursor:pointer}.lz .lab{pointer-events:none}</style><g class="lz">`);
  for (const proc of processes) {
    const y = TOP + row.get(proc)! * ROW;
    parts.push(`<text x="6" y="${y + 17}" fill="#374151">process ${proc}</text>`);
    parts.push(`<line x1="${LEFT}" x2="${width - RIGHT}" y1="${y + ROW / 2}" y2="${y + ROW / 2}" stroke="#f0f0f0"/>`);
  }
  // The axis names the time of a few events, in seconds since the run began.
  const axisY = TOP + processes.length * ROW + 6;
  const every = Math.max(1, Math.ceil(events.length / 8));
  for (let i = 0; i < events.length; i += every) {
    const tx = x(events[i]!);
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${TOP - 4}" y2="${axisY}" stroke="#eee"/>`);
    parts.push(`<text x="${tx}" y="${axisY + 14}" text-anchor="middle" fill="#6b7280">${(events[i]! / 1e9).toFixed(4)} s</text>`);
  }
  for (const p of shown) {
    const y = TOP + row.get(p.process)! * ROW + 4;
    const x0 = x(p.start);
    const open = !Number.isFinite(p.end);
    const x1 = Math.max(x0 + 3, x(p.end));
    const placed = order.get(p.index);
    const notPlaced = failure.couldNotPlace.includes(p.index);
    const fill = notPlaced ? '#fde2e1' : placed !== undefined ? '#dcfce7' : '#f3f4f6';
    const stroke = notPlaced ? '#d9534f' : placed !== undefined ? '#2e9e44' : '#9ca3af';
    const label = `${p.f === 'read' ? 'r' : p.f === 'write' ? 'w' : p.f} ${p.type === 'ok' || p.f !== 'read' ? show(p.value) : '?'}${p.type !== 'ok' ? ` (${p.type})` : ''}`;
    const title = `${describe(p)}${placed !== undefined ? ` — #${placed} in the longest linearization` : ''}${notPlaced ? ' — could not be placed' : ''}`;
    parts.push(
      `<g class="bar" data-index="${p.index}"><title>${esc(title)}</title>` +
        `<rect x="${x0.toFixed(1)}" y="${y}" width="${(x1 - x0).toFixed(1)}" height="${ROW - 8}" rx="3" fill="${fill}" stroke="${stroke}" stroke-width="${notPlaced ? 2 : 1}"${open ? ' stroke-dasharray="4 3"' : ''}/></g>`,
    );
    parts.push(`<text class="lab" x="${(x0 + 4).toFixed(1)}" y="${y + 15}" fill="#111">${esc(label)}</text>`);
    if (placed !== undefined) {
      parts.push(`<circle class="lab" cx="${x1.toFixed(1)}" cy="${y}" r="8" fill="#2e9e44"/><text class="lab" x="${x1.toFixed(1)}" y="${y + 4}" text-anchor="middle" fill="#fff" font-size="9">${placed}</text>`);
    }
    if (notPlaced) parts.push(`<text class="lab" x="${x1.toFixed(1)}" y="${y + 4}" text-anchor="middle" fill="#d9534f" font-size="14" font-weight="bold">✕</text>`);
  }
  parts.push('</g></svg>');
  const hidden = failure.longest.length - tail.length;
  const caption =
    `Green bars are numbered in the order of the longest partial linearization the checker found ` +
    `(${failure.longest.length} op${failure.longest.length === 1 ? '' : 's'}${hidden > 0 ? `; the last ${tail.length} are drawn` : ''}); ` +
    `red ✕: could not be placed after it; x follows the order of invocations and completions, not their spacing${failure.stateAfter !== undefined ? ` (the register then held ${esc(show(failure.stateAfter))})` : ''}; grey: other ops of ${esc(failure.key)} in the window. Click a bar to find it in the timeline.`;
  return `<div class="lz-wrap" style="overflow-x:auto">${parts.join('')}</div><p class="help">${caption}</p>`;
}

export function show(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function describe(p: OpPair): string {
  const value = p.f === 'read' ? (p.type === 'ok' ? ` → ${show(p.value)}` : '') : ` ${show(p.value)}`;
  const dur = Number.isFinite(p.end) ? `${((p.end - p.start) / 1e6).toFixed(1)} ms` : 'never completed';
  return `${p.f} ${p.key}${value} · ${p.type} · ${dur} · process ${p.process}${p.node ? ` via ${p.node}` : ''} · #${p.index}`;
}
