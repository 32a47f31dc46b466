// @ts-check
/*
 * The script of report.html (after chart-helpers.js, beside uPlot). It draws from the JSON in
 * <script id="report-data"> (ReportData in report-data.ts): the timeline on a canvas, drawing only
 * the ops in view; the performance plots with uPlot; clicks. Plain ES2020.
 */
(function () {
'use strict';
/** @type {Record<string, number>} */
var timings = { scriptStart: performance.now() };
/** @type {ReportData} */
var D = JSON.parse(/** @type {string} */ (byId('report-data').textContent));
timings.dataParsed = performance.now();
var O = D.ops, n = O.t.length, TYPE = ['ok', 'fail', 'info'], COLOUR = ['#2e9e44', '#d9534f', '#e8a33d'];
/** @type {Map<number, number>} history index → position in the op columns */
var pos = new Map();
var start = new Float64Array(n), end = new Float64Array(n), IDX = new Float64Array(n), acc = 0, accI = 0, runEnd = D.durationS, maxDur = 0;
for (var i = 0; i < n; i++) {
  acc += O.s[i];
  accI += O.i[i];
  IDX[i] = accI;
  start[i] = acc / 1e6;
  end[i] = O.d[i] < 0 ? NaN : (acc + O.d[i]) / 1e6;
  if (O.d[i] >= 0 && O.d[i] / 1e6 > maxDur) maxDur = O.d[i] / 1e6;
  if (end[i] > runEnd) runEnd = end[i];
  pos.set(accI, i);
}
if (!(runEnd > 0)) runEnd = 1;
/** @param {number} p */
function endOf(p) { return isNaN(end[p]) ? runEnd : end[p]; }
/** @type {number[][]} */
var laneOps = [];
/** @type {number[]} */
var openOps = [];
for (var l = 0; l < D.lanes; l++) laneOps.push([]);
for (var p = 0; p < n; p++) { laneOps[O.lane[p]].push(p); if (isNaN(end[p])) openOps.push(p); }
/** op position → the anomalies about it, and those naming it as evidence @type {Map<number, number[]>} */
var anomaliesOf = new Map();
/** @type {Map<number, number[]>} */
var relatedOf = new Map();
D.anomalies.forEach(function (a, ai) {
  var p = pos.get(a.index);
  if (p !== undefined) { if (!anomaliesOf.has(p)) anomaliesOf.set(p, []); /** @type {number[]} */ (anomaliesOf.get(p)).push(ai); }
  a.related.forEach(function (r) { var q = pos.get(r); if (q !== undefined) { if (!relatedOf.has(q)) relatedOf.set(q, []); /** @type {number[]} */ (relatedOf.get(q)).push(ai); } });
});

/** @param {unknown} v */
function show(v) { return v === null || v === undefined ? '∅' : typeof v === 'string' ? v : JSON.stringify(v); }
/** @param {number} p */
function describe(p) {
  var f = D.fs[O.f[p]], t = TYPE[O.t[p]];
  var value = f === 'read' ? (t === 'ok' ? ' → ' + show(O.v[p]) : '') : ' ' + show(O.v[p]);
  var dur = isNaN(end[p]) ? 'never completed' : ((end[p] - start[p]) * 1000).toFixed(1) + ' ms';
  var node = O.n[p] >= 0 ? ' via ' + D.nodes[O.n[p]] : '';
  var err = O.e[p] >= 0 ? ' (' + D.errors[O.e[p]] + ')' : '';
  return f + ' ' + D.keys[O.k[p]] + value + ' · ' + t + err + ' · ' + dur + ' at ' + start[p].toFixed(3) + ' s · process ' + (O.lane[p] + O.g[p] * D.laneModulus) + node + ((O.x[p] & 1) ? ' · final read' : '') + ' · #' + IDX[p];
}
/** @param {number} p */
function opLink(p) { return '<a href="#" class="op-link" data-pos="' + p + '">' + esc(describe(p)) + '</a>'; }

// ---------- timeline ----------
var tlEl = byId('timeline-chart');
var panel = byId('op-detail');
/** @type {number[]} */
var selectedRelated = [];
var selected = -1, selectedAnomaly = -1;
var laneH = Math.max(6, Math.min(22, Math.floor(520 / D.lanes)));
/**
 * The first of `arr` (op positions by start) starting at or after t.
 * @param {number[]} arr
 * @param {number} t
 */
function lowerStart(arr, t) { var lo = 0, hi = arr.length; while (lo < hi) { var m = (lo + hi) >> 1; if (start[arr[m]] < t) lo = m + 1; else hi = m; } return lo; }
/**
 * Where op p's bar is, in canvas pixels.
 * @param {uPlot} u
 * @param {number} p
 */
function barGeometry(u, p) {
  var bb = u.bbox, lh = bb.height / D.lanes, h = Math.max(2, lh * 0.62);
  var y = u.valToPos(O.lane[p], 'y', true) - h / 2;
  var x0 = u.valToPos(start[p], 'x', true), x1 = u.valToPos(endOf(p), 'x', true);
  return { x: x0, y: y, w: Math.max(1, x1 - x0), h: h };
}
/** @param {uPlot} u */
function drawOps(u) {
  var ctx = u.ctx, bb = u.bbox, range = xRange(u), min = range[0], max = range[1];
  var pxPerS = bb.width / (max - min), lh = bb.height / D.lanes, h = Math.max(2, lh * 0.62);
  ctx.save();
  ctx.beginPath(); ctx.rect(bb.left, bb.top, bb.width, bb.height); ctx.clip();
  var paths = [new Path2D(), new Path2D(), new Path2D()], marks = new Path2D(), related = new Path2D();
  /**
   * @param {number} p
   * @param {number} y
   */
  function add(p, y) {
    var s = start[p], e = endOf(p);
    if (e < min || s > max) return -1;
    var x0 = bb.left + (s - min) * pxPerS, x1 = bb.left + (e - min) * pxPerS;
    var w = x1 - x0;
    if (w < 1) w = 1;
    if (x0 < bb.left - 2) { w -= bb.left - 2 - x0; x0 = bb.left - 2; }
    if (w > bb.width + 4) w = bb.width + 4;
    paths[O.t[p]].rect(x0, y, w, h);
    if (O.x[p] & 2) marks.rect(x0 - 1, y - 1, w + 2, h + 2);
    else if (O.x[p] & 4) related.rect(x0, y, w, h);
    return x0 + w;
  }
  for (var l = 0; l < D.lanes; l++) {
    var arr = laneOps[l], y = u.valToPos(l, 'y', true) - h / 2, lastPx = -1, lastType = -1;
    for (var j = lowerStart(arr, min - maxDur); j < arr.length; j++) {
      var p = arr[j];
      if (start[p] > max) break;
      if (isNaN(end[p])) continue;
      var px = Math.floor(bb.left + (start[p] - min) * pxPerS);
      // Zoomed far out, ops narrower than a pixel land on the same pixel: draw one of each colour there.
      if (px === lastPx && O.t[p] === lastType && !(O.x[p] & 6) && (end[p] - start[p]) * pxPerS < 1) continue;
      add(p, y);
      lastPx = px; lastType = O.t[p];
    }
  }
  for (var k = 0; k < openOps.length; k++) { var q = openOps[k]; add(q, u.valToPos(O.lane[q], 'y', true) - h / 2); }
  for (var t = 0; t < 3; t++) { ctx.fillStyle = COLOUR[t]; ctx.globalAlpha = t === 2 ? 0.75 : 0.9; ctx.fill(paths[t]); }
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1.5 * devicePixelRatio; ctx.strokeStyle = '#c0158b'; ctx.stroke(marks);
  ctx.setLineDash([3 * devicePixelRatio, 2 * devicePixelRatio]); ctx.lineWidth = 1 * devicePixelRatio; ctx.stroke(related); ctx.setLineDash([]);
  // Anomalous ops as triangles above their lane, visible at any zoom.
  ctx.fillStyle = '#c0158b';
  anomaliesOf.forEach(function (_, p) {
    var s = start[p];
    if (s < min || s > max) return;
    var x = bb.left + (s - min) * pxPerS, y = u.valToPos(O.lane[p], 'y', true) - h / 2 - 1;
    ctx.beginPath(); ctx.moveTo(x - 4 * devicePixelRatio, y - 6 * devicePixelRatio); ctx.lineTo(x + 4 * devicePixelRatio, y - 6 * devicePixelRatio); ctx.lineTo(x, y); ctx.closePath(); ctx.fill();
  });
  if (selected >= 0) {
    var g = barGeometry(u, selected);
    ctx.lineWidth = 3 * devicePixelRatio; ctx.strokeStyle = '#111827'; ctx.strokeRect(g.x - 2, g.y - 2, g.w + 4, g.h + 4);
    ctx.strokeStyle = '#c0158b'; ctx.lineWidth = 2 * devicePixelRatio;
    selectedRelated.forEach(function (r) {
      var gr = barGeometry(u, r);
      ctx.strokeRect(gr.x - 2, gr.y - 2, gr.w + 4, gr.h + 4);
      ctx.beginPath(); ctx.moveTo(g.x + g.w / 2, g.y + g.h / 2); ctx.lineTo(gr.x + gr.w / 2, gr.y + gr.h / 2); ctx.stroke();
    });
  }
  ctx.restore();
}
/** A shift-drag in progress: where it began, and the range then. @type {{ x: number, min: number, max: number } | null} */
var pan = null;
/** @type {number[]} */
var laneSplits = [];
var every = Math.max(1, Math.ceil(D.lanes / 24));
for (var ls = 0; ls < D.lanes; ls += every) laneSplits.push(ls);
var faultLabels = faultStrip(D.faults, runEnd);
var tl = new uPlot({
  width: chartWidth(tlEl),
  height: D.lanes * laneH + 56 + faultLabels.height,
  // The fault labels' strip sits in the padding above the lanes.
  padding: [faultLabels.height + 8, null, null, null],
  scales: { x: { time: false, range: function (u, a, b) { return [a, b]; } }, y: { range: [-0.6, D.lanes - 0.4], dir: -1 } },
  axes: [
    { font: AXIS_FONT, values: xValues(fmtS) },
    { font: AXIS_FONT, size: GUTTER_PX, splits: function () { return laneSplits; }, values: function (u, v) { return v.map(function (x) { return 'worker ' + x; }); }, grid: { show: false } },
  ],
  series: [{}, { label: 'ops', paths: function () { return null; }, points: { show: false } }],
  legend: { show: false },
  cursor: {
    y: false, points: { show: false }, drag: { x: true, y: false }, sync: { key: 'time' },
    bind: {
      mousedown: function (u, targ, handler) {
        return function (e) {
          if (e.shiftKey || e.altKey) { var r = xRange(u); pan = { x: e.clientX, min: r[0], max: r[1] }; e.preventDefault(); return null; }
          return handler(e);
        };
      },
    },
  },
  hooks: { drawClear: [shadeFaults(D.faults, runEnd)], draw: [drawOps, faultLabels.hook], setScale: [function (u, key) { if (key === 'x') syncX(u); }] },
}, [[0, runEnd], [null, null]], tlEl);
addChart(tl, true);
timings.timeline = performance.now();
window.addEventListener('mousemove', function (e) {
  if (!pan) return;
  var dt = (e.clientX - pan.x) / tl.bbox.width * devicePixelRatio * (pan.max - pan.min);
  tl.setScale('x', { min: pan.min - dt, max: pan.max - dt });
});
window.addEventListener('mouseup', function () { pan = null; });
/**
 * @param {number} factor the new range over the old
 * @param {number} [at] the time that stays put (default: the middle)
 */
function zoomBy(factor, at) {
  var r = xRange(tl), min = r[0], max = r[1];
  if (at == null) at = (min + max) / 2;
  var nmin = at - (at - min) * factor, nmax = at + (max - at) * factor;
  if (nmax - nmin < 1e-5) return;
  tl.setScale('x', { min: Math.max(nmin, -runEnd * 0.05), max: Math.min(nmax, runEnd * 1.05) });
}
/** @param {number} frac of the range, right when positive */
function panBy(frac) { var r = xRange(tl), min = r[0], max = r[1], d = (max - min) * frac; tl.setScale('x', { min: min + d, max: max + d }); }
function resetZoom() { tl.setScale('x', { min: 0, max: runEnd }); }
tl.over.addEventListener('wheel', function (e) {
  e.preventDefault();
  if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) { panBy((e.deltaX || e.deltaY) > 0 ? 0.1 : -0.1); return; }
  zoomBy(e.deltaY < 0 ? 0.8 : 1.25, tl.posToVal(e.offsetX, 'x'));
}, { passive: false });
/** @type {[number, number] | null} */
var downAt = null;
tl.over.addEventListener('mousedown', function (e) { downAt = [e.clientX, e.clientY]; });
tl.over.addEventListener('click', function (e) {
  if (downAt && Math.abs(e.clientX - downAt[0]) + Math.abs(e.clientY - downAt[1]) > 3) return;
  var t = tl.posToVal(e.offsetX, 'x'), l = Math.round(tl.posToVal(e.offsetY, 'y'));
  if (l < 0 || l >= D.lanes) return;
  var r = xRange(tl), tol = 4 / (tl.bbox.width / devicePixelRatio) * (r[1] - r[0]);
  var arr = laneOps[l], best = -1, bestD = Infinity;
  for (var j = Math.max(0, lowerStart(arr, t - maxDur - tol)); j < arr.length && start[arr[j]] <= t + tol; j++) {
    var p = arr[j], d = t < start[p] ? start[p] - t : t > endOf(p) ? t - endOf(p) : 0;
    if (d <= tol && d < bestD) { best = p; bestD = d; }
  }
  for (var k = 0; k < openOps.length; k++) { var q = openOps[k]; if (O.lane[q] === l && t >= start[q] - tol && bestD > 0) { best = q; bestD = 0; } }
  if (best >= 0) select(best, -1, false);
});
// A click on a fault's label says what the fault was.
tl.ctx.canvas.addEventListener('click', function (e) {
  var r = tl.ctx.canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
  if (y > faultLabels.height) return;
  var hit = faultLabels.drawn.filter(function (l) { return l.x0 <= x && x <= l.x1; })[0];
  if (!hit) return;
  var f = D.faults[hit.index];
  panel.innerHTML = '<div><b>' + esc(f.kind) + '</b> from ' + fmtS(f.start) + ' to ' + (f.end == null ? 'the end (never healed)' : fmtS(f.end)) + ': ' + esc(f.description) +
    (f.nodes.length > 0 ? ' <span class="muted">(nodes: ' + esc(f.nodes.join(', ')) + ')</span>' : '') + '</div>';
});
byId('tl-zoom-in').onclick = function () { zoomBy(0.5); };
byId('tl-zoom-out').onclick = function () { zoomBy(2); };
byId('tl-left').onclick = function () { panBy(-0.25); };
byId('tl-right').onclick = function () { panBy(0.25); };
byId('tl-reset').onclick = resetZoom;

/** @param {number} p */
function traceText(p) {
  return D.traces[IDX[p]] || '';
}
/** @param {number} ai */
function anomalyHtml(ai) {
  var a = D.anomalies[ai];
  var status = a.broken ? '<span class="verdict broken">breaks a promise</span>' : '<span class="verdict allowed">allowed by the settings</span>';
  return '<div class="anomaly-explanation"><b>' + esc(a.type) + '</b>' + (a.key != null ? ' on <code>' + esc(a.key) + '</code>' : '') + ' ' + status + '<br>' + esc(a.explanation) + '</div>';
}
/**
 * Shows op p (and anomaly ai, or p's own first one when ai < 0) in the panel, outlined in the timeline.
 * @param {number} p
 * @param {number} ai
 * @param {boolean} zoom bring it and its evidence into view
 */
function select(p, ai, zoom) {
  selected = p;
  var own = anomaliesOf.get(p) || [];
  if (ai < 0 && own.length > 0) ai = own[0];
  selectedAnomaly = ai;
  /** @type {number[]} */
  var rel = [];
  if (ai >= 0) D.anomalies[ai].related.forEach(function (r) { var q = pos.get(r); if (q !== undefined && q !== p) rel.push(q); });
  selectedRelated = rel;
  var html = '';
  if (ai >= 0) html += anomalyHtml(ai);
  html += '<div><b>Op</b>: ' + esc(describe(p)) + '</div>';
  var tr = traceText(p);
  if (tr) html += '<div class="muted">' + esc(tr) + '</div>';
  if (rel.length > 0) html += '<div><b>Conflicts with</b> (outlined in the timeline):<ul>' + rel.map(function (q) { return '<li>' + opLink(q) + (traceText(q) ? ' <span class="muted">' + esc(traceText(q)) + '</span>' : '') + '</li>'; }).join('') + '</ul></div>';
  var by = (relatedOf.get(p) || []).filter(function (x) { return x !== ai; });
  if (by.length > 0) html += '<div>Named as evidence by ' + by.length + ' anomal' + (by.length === 1 ? 'y' : 'ies') + ': ' + by.slice(0, 5).map(function (x) { return '<a href="#" class="anomaly-link" data-anomaly="' + x + '">' + esc(D.anomalies[x].type + ' #' + D.anomalies[x].index) + '</a>'; }).join(', ') + '</div>';
  panel.innerHTML = html;
  document.querySelectorAll('tr.selected').forEach(function (r) { r.classList.remove('selected'); });
  if (ai >= 0) document.querySelectorAll('tr[data-anomaly="' + ai + '"]').forEach(function (r) { r.classList.add('selected'); });
  if (zoom) {
    var lo = start[p], hi = endOf(p);
    rel.forEach(function (q) { lo = Math.min(lo, start[q]); hi = Math.max(hi, endOf(q)); });
    var padS = Math.max((hi - lo) * 0.3, 0.01);
    tl.setScale('x', { min: Math.max(-0.01, lo - padS), max: Math.min(runEnd * 1.02, hi + padS) });
  }
  tl.redraw(false);
}
/** @param {number} ai */
function selectAnomaly(ai) {
  var a = D.anomalies[ai], p = pos.get(a.index);
  if (p === undefined) { panel.innerHTML = anomalyHtml(ai); return; }
  select(p, ai, true);
  byId('timeline').scrollIntoView({ block: 'start' });
}
/** @param {unknown} v */
function showNothing(v) { return v === null || v === undefined ? 'nothing' : typeof v === 'string' ? v : JSON.stringify(v); }
/**
 * A row of a stale-read or lost-write table, as findings-section.ts writes the first ones.
 * @param {ReportAnomaly} a
 * @param {number} ai
 */
function anomalyRow(a, ai) {
  var d = /** @type {Record<string, any>} */ (a.details), cells;
  if (a.check === 'stale-reads') {
    cells = ['<td class="num">' + a.time.toFixed(3) + ' s</td>', '<td><code>' + esc(String(a.key)) + '</code></td>', '<td class="node">' + esc(d.node || '') + '</td>', '<td>' + esc(showNothing(d.value)) + '</td>',
      '<td class="num">' + esc(d.versionsBehind == null ? '' : d.versionsBehind) + '</td>', '<td class="num">' + esc(d.msSinceAck == null ? '' : d.msSinceAck) + '</td>', '<td>' + (d.final === true ? 'yes' : '') + '</td>', '<td>' + esc(a.explanation) + '</td>'];
  } else {
    cells = ['<td class="num">' + a.time.toFixed(3) + ' s</td>', '<td><code>' + esc(String(a.key)) + '</code></td>', '<td>' + esc(showNothing(d.value)) + '</td>', '<td>' + esc(a.explanation) + '</td>'];
  }
  return '<tr class="clickable" data-anomaly="' + ai + '">' + cells.join('') + '</tr>';
}
/** The cause the checks gave an anomaly (findings-section.ts groups by it). @param {ReportAnomaly} a */
function causeOf(a) { var c = a.details.cause; return typeof c === 'string' ? c : 'unexplained'; }
document.querySelectorAll('button.more-rows').forEach(function (b) {
  b.addEventListener('click', function () {
    var check = b.getAttribute('data-check'), cause = b.getAttribute('data-cause'), shown = Number(b.getAttribute('data-shown')), seen = 0;
    /** @type {string[]} */
    var html = [];
    D.anomalies.forEach(function (a, ai) { if (a.check === check && causeOf(a) === cause && seen++ >= shown) html.push(anomalyRow(a, ai)); });
    byId(String(b.getAttribute('data-table'))).insertAdjacentHTML('beforeend', html.join(''));
    b.remove();
  });
});
document.addEventListener('click', function (e) {
  var target = /** @type {Element} */ (e.target);
  var t = target.closest ? target.closest('[data-anomaly],[data-pos],[data-index]') : null;
  if (!t) return;
  if (t.hasAttribute('data-anomaly')) { e.preventDefault(); selectAnomaly(Number(t.getAttribute('data-anomaly'))); }
  else if (t.hasAttribute('data-pos')) { e.preventDefault(); select(Number(t.getAttribute('data-pos')), -1, true); }
  else if (t.hasAttribute('data-index')) { var q = pos.get(Number(t.getAttribute('data-index'))); if (q !== undefined) { e.preventDefault(); select(q, -1, true); byId('timeline').scrollIntoView({ block: 'start' }); } }
});

// ---------- performance ----------
var P = D.perf, hooks = { drawClear: [shadeFaults(D.faults, runEnd)], setScale: [/** @param {uPlot} u @param {string} key */ function (u, key) { if (key === 'x') syncX(u); }] };
(function scatter() {
  var el = byId('perf-latency');
  /** @type {(number | null)[][]} */
  var ys = [[], [], []];
  for (var p = 0; p < n; p++) {
    var lat = isNaN(end[p]) ? null : Math.max(0.01, (end[p] - start[p]) * 1000);
    for (var t = 0; t < 3; t++) ys[t].push(O.t[p] === t ? lat : null);
  }
  var present = [0, 1, 2].filter(function (t) { return ys[t].some(function (v) { return v != null; }); });
  var u = new uPlot({
    title: 'Latency of every op (ms, log scale)',
    width: chartWidth(el), height: 260,
    scales: { x: { time: false }, y: { distr: 3 } },
    axes: [{ font: AXIS_FONT, values: xValues(fmtS) }, { font: AXIS_FONT, size: 60 }],
    // An outcome no op had draws nothing, and is not listed.
    series: /** @type {import('uplot').Series[]} */ ([{ label: 'invoked at', value: /** @param {uPlot} u @param {number | null} v */ function (u, v) { return fmtS(v); } }]).concat(present.map(function (t) {
      return { label: TYPE[t], stroke: COLOUR[t], fill: COLOUR[t], paths: dotPaths(3), points: { show: false }, value: /** @param {uPlot} u @param {number | null} v */ function (u, v) { return v == null ? '' : v.toFixed(2) + ' ms'; } };
    })),
    cursor: { sync: { key: 'time' }, drag: { x: true, y: false } },
    hooks: hooks,
  }, /** @type {import('uplot').AlignedData} */ (/** @type {(number | null)[][]} */ ([Array.from(start)]).concat(present.map(function (t) { return ys[t]; }))), el);
  addChart(u, true);
})();
// One colour per op, one dash per quantile; a series with nothing to draw gets no line and no legend entry.
/** @type {Record<string, string>} */
var OP_COLOURS = { read: '#2563eb', write: '#ea580c', cas: '#7c3aed' };
/** Each quantile's line: dash, legend sample, width. @type {[('p50' | 'p95' | 'p99' | 'max'), number[] | undefined, 'solid' | 'dashed' | 'dotted', number][]} */
var QUANTILES = [['p50', undefined, 'solid', 2.5], ['p95', [7, 4], 'dashed', 1.5], ['p99', [2, 3], 'dotted', 1.5], ['max', undefined, 'solid', 1]];
/** @type {LineSeries[]} */
var latSeries = [];
Object.keys(P.latency).forEach(function (f) {
  QUANTILES.forEach(function (q) {
    var data = P.latency[f][q[0]];
    if (!data.some(function (v) { return v != null; })) return;
    latSeries.push({ label: f + ' ' + q[0], colour: OP_COLOURS[f] || '#6b7280', dash: q[1], marker: q[2], width: q[3], data: data, value: /** @param {uPlot} u @param {number | null} v */ function (u, v) { return v == null ? '' : v.toFixed(2) + ' ms'; } });
  });
});
lineChart(byId('perf-quantiles'), 'Latency quantiles of ok ops per ' + P.bucketS + ' s (ms, log scale; colour: the op; line: the quantile, p50 thick, p95 dashed, p99 dotted, max thin)', P.t, latSeries, { y: { distr: 3 }, hooks: hooks, merge: true });
lineChart(byId('perf-throughput'), 'Throughput (completions per second)', P.t, [
  { label: 'ok', colour: COLOUR[0], data: P.throughput.ok }, { label: 'fail', colour: COLOUR[1], data: P.throughput.fail }, { label: 'info', colour: COLOUR[2], data: P.throughput.info },
], { hooks: hooks, merge: true });
/** @type {Record<string, string>} */
var AV = { read: '#2563eb', write: '#ea580c', all: '#7c3aed' };
lineChart(byId('perf-availability'), 'Availability (share of completed ops that were ok)', P.t, Object.keys(P.availability).map(function (f) {
  return { label: f, colour: AV[f] || '#6b7280', data: P.availability[f], width: f === 'all' ? 2 : 1.2 };
}), { y: { range: [0, 1.02] }, hooks: hooks, merge: true });

timings.plots = performance.now();
// ---------- staleness ----------
var S = D.staleness, TV = S.tVisibility.buckets, tvEl = document.getElementById('t-visibility');
if (tvEl && TV.length > 0) {
  /** @param {uPlot} u @param {number | null} v */
  var percent = function (u, v) { return v == null ? '' : (v * 100).toFixed(1) + '%'; };
  /** @type {LineSeries[]} */
  var tvSeries = [{ label: 'measured', colour: '#2563eb', points: true, data: TV.map(function (b) { return b.p; }), value: percent }];
  if (S.quiet) tvSeries.push({ label: 'measured outside fault windows', colour: '#0891b2', dash: [2, 3], width: 1.5, points: true, data: S.quiet, value: percent });
  if (S.wars) tvSeries.push({ label: 'WARS prediction', colour: '#ea580c', dash: [6, 4], width: 2, data: S.wars.tVisibility, value: percent });
  lineChart(tvEl, 'P(read sees the write or a newer one | read began t ms after the acknowledgement)', TV.map(function (b, i) { return i; }), tvSeries,
    { sync: false, y: { range: [0, 1.02] }, xLabel: 't (ms)', categories: TV.map(function (b) { return b.fromMs + '–' + b.toMs; }), merge: true });
}

timings.done = performance.now();
window.godistReport = {
  data: D,
  timings: timings,
  charts: charts,
  timeline: tl,
  /** @param {number} index */
  select: function (index) { var p = pos.get(index); if (p !== undefined) select(p, -1, true); },
  selectAnomaly: selectAnomaly,
  anomalyRow: anomalyRow,
  /** The fault labels as the timeline last drew them. */
  faultLabels: faultLabels.drawn,
  /** Where op (history index) is drawn, in page coordinates: for tests that click it. @param {number} index */
  opPoint: function (index) {
    var p = pos.get(index);
    if (p === undefined) return null;
    var g = barGeometry(tl, p), r = tl.over.getBoundingClientRect(), d = devicePixelRatio;
    return { x: r.left + (g.x - tl.bbox.left) / d + Math.min(g.w / d / 2, 2), y: r.top + (g.y - tl.bbox.top + g.h / 2) / d };
  },
};
document.body.setAttribute('data-ready', '1');
})();
