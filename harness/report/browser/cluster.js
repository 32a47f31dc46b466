// @ts-check
/*
 * The script of report.html's cluster lanes, after report.js (it reads window.godistReport for the
 * data, the timeline and the shared zoom). It draws from <script id="cluster-data"> (ClusterData in
 * cluster-data.ts). Plain ES2020.
 */
(function () {
'use strict';
var holder = document.getElementById('cluster-data');
var chartEl = document.getElementById('cluster-chart');
if (!holder || !chartEl || !window.godistReport) return;
/** @type {ClusterPageData} */
var C = JSON.parse(/** @type {string} */ (holder.textContent));
var G = window.godistReport, D = G.data, n = C.nodes.length;
// Heights in y units (a unit is about a CSS pixel): a thin row per observer, tall enough for its label.
var STRIP = 10, VIEW = 11, LEAD = 15, GAP = 11, LANE = (n - 1) * VIEW + LEAD + GAP, TOTAL = STRIP + n * LANE;
var STATE_COLOUR = ['rgba(46,158,68,0.45)', '#e8a33d', '#d9534f'], STATE_NAME = ['alive', 'suspect', 'dead'];
// Whom a node believed led, one colour per leader, all blues and cyans: no hue near green (alive),
// amber (suspect), red (dead) or purple (paused), so that a leader is never read as a peer's state.
var PALETTE = ['#2563eb', '#0891b2', '#1e3a8a', '#0284c7', '#155e75'];
var PAUSED = 'rgba(124,58,237,0.8)', KILLED = 'rgba(75,85,99,0.95)', NOT_MEMBER = 'rgba(156,163,175,0.5)';
/**
 * @param {number} i the leader's index in C.nodes
 * @param {number} alpha
 */
function leaderColour(i, alpha) {
  var c = PALETTE[i % PALETTE.length], r = parseInt(c.slice(1, 3), 16), g = parseInt(c.slice(3, 5), 16), b = parseInt(c.slice(5, 7), 16);
  return 'rgba(' + r + ',' + g + ',' + b + ',' + alpha + ')';
}
/** @param {number} p */
function laneTop(p) { return STRIP + p * LANE; }
/** The other nodes, in order: the observers of p's thin rows. @param {number} p */
function observers(p) { var o = []; for (var i = 0; i < n; i++) if (i !== p) o.push(i); return o; }
var runEnd = D.durationS;
C.status.forEach(function (bs) { bs.forEach(function (b) { if (b[1] > runEnd) runEnd = b[1]; }); });
if (!(runEnd > 0)) runEnd = 1;
/** @type {{ ai: number, from: number, to: number, split: boolean, nodes: string[] }[]} */
var findings = [];
D.anomalies.forEach(function (a, ai) {
  var d = /** @type {{ durationMs?: number, nodes?: string[] }} */ (a.details);
  if (a.check === 'election') findings.push({ ai: ai, from: a.time, to: a.time + (d.durationMs || 0) / 1000, split: a.type === 'split-brain', nodes: d.nodes || [] });
});

/** @param {uPlot} u */
function drawLanes(u) {
  var ctx = u.ctx, bb = u.bbox, range = xRange(u), min = range[0], max = range[1], dpr = devicePixelRatio;
  var pxPerS = bb.width / (max - min);
  /** @param {number} t */
  function X(t) { return bb.left + (t - min) * pxPerS; }
  /** @param {number} units */
  function Y(units) { return u.valToPos(units, 'y', true); }
  /**
   * Fills a band's part in view; its width in pixels, or false when out of view.
   * @param {number[]} b [from s, to s, ...]
   * @param {number} y0
   * @param {number} h
   * @param {string} colour
   */
  function band(b, y0, h, colour) {
    if (b[1] < min || b[0] > max) return false;
    var x0 = Math.max(X(b[0]), bb.left - 2), x1 = Math.min(X(b[1]), bb.left + bb.width + 2);
    ctx.fillStyle = colour;
    ctx.fillRect(x0, y0, Math.max(1, x1 - x0), h);
    return x1 - x0;
  }
  ctx.save();
  ctx.beginPath(); ctx.rect(bb.left, bb.top, bb.width, bb.height); ctx.clip();
  ctx.font = Math.round(10 * dpr) + 'px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  findings.forEach(function (f) { band([f.from, Math.max(f.to, f.from + 1e-4)], Y(1), Y(STRIP - 3) - Y(1), f.split ? '#dc2626' : '#111827'); });
  for (var p = 0; p < n; p++) {
    var top = laneTop(p), obs = observers(p);
    obs.forEach(function (o, r) {
      var y0 = Y(top + r * VIEW) + dpr, h = Y(top + (r + 1) * VIEW) - Y(top + r * VIEW) - dpr;
      (C.views[o][p] || []).forEach(function (b) { band(b, y0, h, STATE_COLOUR[b[2]]); });
    });
    var ly = Y(top + obs.length * VIEW) + dpr, lh = Y(top + obs.length * VIEW + LEAD) - Y(top + obs.length * VIEW) - dpr;
    C.leader[p].forEach(function (b) {
      if (b[2] === -2) return;
      var self = b[2] === p;
      var w = band(b, ly, lh, b[2] === -1 ? '#e5e7eb' : leaderColour(b[2], self ? 0.95 : 0.3));
      if (w === false) return;
      var label = b[2] === -1 ? 'no leader known' : self ? '★ leads' : '→ ' + C.nodes[b[2]];
      if (w > ctx.measureText(label).width + 6 * dpr) {
        ctx.fillStyle = self ? '#fff' : '#111827';
        ctx.fillText(label, Math.max(X(b[0]), bb.left) + 3 * dpr, ly + lh / 2);
      }
    });
    findings.forEach(function (f) {
      if (!f.split || f.nodes.indexOf(C.nodes[p]) < 0) return;
      band([f.from, Math.max(f.to, f.from + 1e-4)], ly - dpr, 2 * dpr, '#dc2626');
    });
    // Paused or killed, the node holds no belief it can act on: its own row is covered (how the others saw it stays visible).
    C.status[p].forEach(function (b) {
      if (b[2] === 0) return;
      var w = band(b, ly, lh, ['', PAUSED, KILLED, NOT_MEMBER][b[2]]);
      var label = ['', 'paused', 'killed', 'not a member'][b[2]];
      if (w !== false && w > ctx.measureText(label).width + 6 * dpr) { ctx.fillStyle = '#fff'; ctx.fillText(label, Math.max(X(b[0]), bb.left) + 3 * dpr, ly + lh / 2); }
    });
  }
  ctx.fillStyle = '#c0158b';
  C.marks.forEach(function (m) {
    if (!m[4] || m[0] < min || m[0] > max) return;
    var r = observers(m[2]).indexOf(m[1]), x = X(m[0]), y = Y(laneTop(m[2]) + r * VIEW) + dpr;
    ctx.beginPath(); ctx.moveTo(x - 4 * dpr, y - 5 * dpr); ctx.lineTo(x + 4 * dpr, y - 5 * dpr); ctx.lineTo(x, y + 1 * dpr); ctx.closePath(); ctx.fill();
  });
  ctx.restore();
}

/**
 * @typedef {object} RowLabel
 * @property {string} text
 * @property {number} y the row's middle, CSS px from the canvas's top
 * @property {number} right where the text ends, CSS px from the canvas's left
 * @property {number} width the text's width, CSS px
 */
/** The row labels as last drawn (for tests: every row labelled, none cut). @type {RowLabel[]} */
var rowLabels = [];
/**
 * Labels each row in the gutter left of the lanes: the node's name on its own row (whom it believed
 * led), "seen by node-k" on each thin row (node-k's view of it).
 * @param {uPlot} u
 */
function labelRows(u) {
  var ctx = u.ctx, bb = u.bbox, dpr = devicePixelRatio, right = bb.left - 6 * dpr;
  rowLabels.length = 0;
  ctx.save();
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  /**
   * @param {string} text
   * @param {number} y0 the row's top, y units
   * @param {number} h its height, y units
   * @param {string} font
   * @param {string} colour
   */
  function label(text, y0, h, font, colour) {
    var y = (u.valToPos(y0, 'y', true) + u.valToPos(y0 + h, 'y', true)) / 2;
    ctx.font = font;
    ctx.fillStyle = colour;
    ctx.fillText(text, right, y);
    rowLabels.push({ text: text, y: y / dpr, right: right / dpr, width: ctx.measureText(text).width / dpr });
  }
  for (var p = 0; p < n; p++) {
    var top = laneTop(p), obs = observers(p);
    obs.forEach(function (o, r) { label('seen by ' + C.nodes[o], top + r * VIEW, VIEW, Math.round(10 * dpr) + 'px system-ui, sans-serif', '#6b7280'); });
    label(C.nodes[p], top + obs.length * VIEW, LEAD, '600 ' + Math.round(12 * dpr) + 'px system-ui, sans-serif', '#111827');
  }
  ctx.restore();
}

var u = new uPlot({
  width: chartWidth(chartEl),
  height: TOTAL + 50,
  scales: { x: { time: false, range: function (u, a, b) { return [a, b]; } }, y: { range: [0, TOTAL], dir: -1 } },
  axes: [
    { font: AXIS_FONT, values: xValues(fmtS) },
    // The rows are labelled by labelRows; the axis keeps the gutter.
    { size: GUTTER_PX, splits: function () { return []; }, values: function () { return []; }, grid: { show: false }, ticks: { show: false } },
  ],
  series: [{}, { label: 'views', paths: function () { return null; }, points: { show: false } }],
  legend: { show: false },
  cursor: { y: false, points: { show: false }, drag: { x: true, y: false }, sync: { key: 'time' } },
  hooks: { drawClear: [shadeFaults(D.faults, runEnd)], draw: [drawLanes, labelRows], setScale: [function (u, key) { if (key === 'x') syncX(u); }] },
}, [[0, runEnd], [null, null]], chartEl);
addChart(u, true);
var tl = G.timeline;
if (tl && tl.scales.x.min != null) u.setScale('x', { min: tl.scales.x.min, max: /** @type {number} */ (tl.scales.x.max) });

/**
 * The band of `bands` that holds time t.
 * @template {number[]} B
 * @param {B[]} bands
 * @param {number} t
 * @returns {B | null}
 */
function at(bands, t) { for (var i = 0; i < bands.length; i++) if (bands[i][0] <= t && t < bands[i][1]) return bands[i]; return null; }
/** @param {number} t */
function s3(t) { return t.toFixed(3) + ' s'; }
var panel = byId('cluster-detail');
/**
 * What node p believed at time t, and how the others saw it, in HTML.
 * @param {number} p
 * @param {number} t
 */
function describe(p, t) {
  var node = C.nodes[p], st = at(C.status[p], t), lines = [];
  var status = st ? ['running', 'paused by the nemesis', 'killed', 'not a member of the cluster'][st[2]] : 'not observed';
  lines.push('<b>' + esc(node) + '</b> at ' + s3(t) + ': ' + status + (st && st[2] ? ' (' + s3(st[0]) + '–' + s3(st[1]) + ')' : '') + ' · view from its ' + C.source[p]);
  var l = at(C.leader[p], t);
  lines.push(!l || l[2] === -2 ? 'whom it believed led: unknown here' : l[2] === -1 ? 'it knew of no leader (since ' + s3(l[0]) + ')' : l[2] === p ? '<b>it believed it led</b> (' + s3(l[0]) + '–' + s3(l[1]) + ')' : 'it believed ' + esc(C.nodes[l[2]]) + ' led (' + s3(l[0]) + '–' + s3(l[1]) + ')');
  var seen = observers(p).map(function (o) {
    var b = at(C.views[o][p] || [], t);
    return esc(C.nodes[o]) + ' saw it ' + (b ? STATE_NAME[b[2]] + ' (since ' + s3(b[0]) + ')' : 'unknown');
  });
  lines.push(seen.join('; '));
  var views = observers(p).map(function (q) { var b = at(C.views[p][q] || [], t); return esc(C.nodes[q]) + ' ' + (b ? STATE_NAME[b[2]] : '?'); });
  lines.push('its own view: ' + views.join(', '));
  findings.forEach(function (f) { if (f.from <= t && t <= f.to) lines.push('<span class="anomaly-explanation">' + esc(D.anomalies[f.ai].explanation) + '</span>'); });
  return lines.map(function (x) { return '<div>' + x + '</div>'; }).join('');
}
/** @type {[number, number] | null} */
var downAt = null;
u.over.addEventListener('mousedown', function (e) { downAt = [e.clientX, e.clientY]; });
u.over.addEventListener('click', function (e) {
  if (downAt && Math.abs(e.clientX - downAt[0]) + Math.abs(e.clientY - downAt[1]) > 3) return;
  var t = u.posToVal(e.offsetX, 'x'), y = u.posToVal(e.offsetY, 'y'), p = Math.floor((y - STRIP) / LANE);
  if (p < 0 || p >= n) return;
  panel.innerHTML = describe(p, t);
});
/** @param {number} ai */
function showAnomaly(ai) {
  var a = D.anomalies[ai], d = /** @type {{ durationMs?: number, silenceMs?: number, peer?: string, nodes?: string[] }} */ (a.details);
  var from = a.time, to = a.time + (d.durationMs || 0) / 1000;
  if (a.check === 'failure-detector') from = a.time - (d.silenceMs || 1000) / 1000;
  var pad = Math.max((to - from) * 0.4, 0.3);
  (tl || u).setScale('x', { min: Math.max(-0.01, from - pad), max: Math.min(runEnd * 1.02, to + pad) });
  var who = a.check === 'failure-detector' ? C.nodes.indexOf(/** @type {string} */ (d.peer)) : C.nodes.indexOf((d.nodes || [])[0]);
  panel.innerHTML = '<div class="anomaly-explanation"><b>' + esc(a.type) + '</b> ' + (a.broken ? '<span class="verdict broken">breaks a promise</span>' : '<span class="verdict allowed">allowed</span>') + '<br>' + esc(a.explanation) + '</div>' + (who >= 0 ? describe(who, a.check === 'election' ? (from + to) / 2 : a.time + 0.001) : '');
  document.querySelectorAll('tr.selected').forEach(function (r) { r.classList.remove('selected'); });
  document.querySelectorAll('tr[data-cluster-anomaly="' + ai + '"]').forEach(function (r) { r.classList.add('selected'); });
  /** @type {HTMLElement} */ (chartEl).scrollIntoView({ block: 'center' });
}
document.addEventListener('click', function (e) {
  var target = /** @type {Element} */ (e.target);
  var row = target.closest ? target.closest('[data-cluster-anomaly]') : null;
  if (!row) return;
  e.preventDefault();
  showAnomaly(Number(row.getAttribute('data-cluster-anomaly')));
});
G.cluster = {
  chart: u,
  showAnomaly: showAnomaly,
  describe: describe,
  lanes: { strip: STRIP, lane: LANE, view: VIEW, lead: LEAD },
  rowLabels: rowLabels,
  colours: { alive: STATE_COLOUR[0], suspect: STATE_COLOUR[1], dead: STATE_COLOUR[2], paused: PAUSED, leaders: PALETTE },
};
document.body.setAttribute('data-cluster-ready', '1');
})();
