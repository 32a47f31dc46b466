// @ts-check
/*
 * What report.html's and compare.html's scripts share: fault shading, the dot plotter, line charts,
 * the charts' common x zoom. Runs in the browser beside uPlot, as a classic script: its top-level
 * names are the page's globals (globals.d.ts declares what the page gives it). Plain ES2020.
 */

/** @type {Record<string, string>} */
var FAULT_COLOURS = { kill: 'rgba(217,83,79,0.13)', pause: 'rgba(124,58,237,0.12)', partition: 'rgba(37,99,235,0.11)', delay: 'rgba(234,179,8,0.16)' };
/** @param {string} kind */
function faultColour(kind) { return FAULT_COLOURS[kind] || 'rgba(107,114,128,0.12)'; }
/**
 * A drawClear hook that shades each fault window behind the data.
 * @param {readonly FaultWindow[]} faults
 * @param {number} endS where a window that never healed ends
 * @returns {(u: uPlot) => void}
 */
function shadeFaults(faults, endS) {
  return function (u) {
    var ctx = u.ctx, bb = u.bbox, min = u.scales.x.min, max = u.scales.x.max;
    if (min == null || max == null) return;
    ctx.save();
    for (var i = 0; i < faults.length; i++) {
      var f = faults[i], e = f.end == null ? endS : f.end;
      if (e < min || f.start > max) continue;
      var x0 = u.valToPos(Math.max(f.start, min), 'x', true), x1 = u.valToPos(Math.min(e, max), 'x', true);
      ctx.fillStyle = faultColour(f.kind);
      ctx.fillRect(x0, bb.top, Math.max(1, x1 - x0), bb.height);
    }
    ctx.restore();
  };
}
/**
 * A uPlot paths builder that draws points as small squares, one per pixel at most.
 * @param {number} size
 * @returns {import('uplot').Series.PathBuilder}
 */
function dotPaths(size) {
  return function (u, si, i0, i1) {
    var xs = u.data[0], ys = u.data[si], bb = u.bbox, s = u.series[si];
    var p = new Path2D(), w = Math.ceil(bb.width) + 2, seen = new Uint8Array(w * (Math.ceil(bb.height) + 2));
    var r = Math.max(1, Math.round(size * devicePixelRatio / 2));
    for (var i = i0; i <= i1; i++) {
      var y = ys[i];
      if (y == null) continue;
      var px = Math.round(u.valToPos(xs[i], 'x', true)), py = Math.round(u.valToPos(y, /** @type {string} */ (s.scale), true));
      var cx = px - bb.left, cy = py - bb.top;
      if (cx < 0 || cy < 0 || cx >= w - 1 || cy > bb.height + 1) continue;
      var k = cy * w + cx;
      if (seen[k]) continue;
      seen[k] = 1;
      p.rect(px - r, py - r, 2 * r, 2 * r);
    }
    return { stroke: p, fill: p };
  };
}
/** @param {Element} el */
function chartWidth(el) { return Math.max(420, Math.floor((el.clientWidth || document.body.clientWidth - 48))); }
/** Every chart on the page (resized together); those in `synced` share their x range. @type {uPlot[]} */
var charts = [];
/** @type {Set<uPlot>} */
var synced = new Set();
var syncing = false;
/**
 * @param {uPlot} u
 * @param {boolean} sync whether it zooms with the others
 */
function addChart(u, sync) {
  charts.push(u);
  if (sync) synced.add(u);
  return u;
}
/** @param {uPlot} u */
function syncX(u) {
  if (syncing || !synced.has(u)) return;
  syncing = true;
  var min = u.scales.x.min, max = u.scales.x.max;
  for (var i = 0; i < charts.length; i++) if (charts[i] !== u && synced.has(charts[i])) charts[i].setScale('x', { min: /** @type {number} */ (min), max: /** @type {number} */ (max) });
  syncing = false;
}
window.addEventListener('resize', function () {
  for (var i = 0; i < charts.length; i++) {
    var c = charts[i];
    c.setSize({ width: chartWidth(/** @type {Element} */ (c.root.parentNode)), height: c.height });
  }
});
/** @param {number | null | undefined} v seconds */
function fmtS(v) { return v == null ? '' : (Math.abs(v) < 10 ? v.toFixed(Math.abs(v) < 1 ? 3 : 2) : v.toFixed(1)) + ' s'; }
/** @param {unknown} s text for HTML */
function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]; }); }
/** @param {string} id */
function byId(id) {
  var el = document.getElementById(id);
  if (!el) throw new Error('the page has no #' + id);
  return el;
}

/**
 * @typedef {object} LineSeries
 * @property {string} label
 * @property {string} colour
 * @property {(number | null)[]} data
 * @property {number} [width]
 * @property {number[]} [dash]
 * @property {boolean} [points]
 * @property {(u: uPlot, v: number | null) => string} [value]
 */
/**
 * @typedef {object} LineOptions
 * @property {number} [height]
 * @property {import('uplot').Scale} [y]
 * @property {string} [yLabel]
 * @property {string} [xLabel]
 * @property {(v: number) => string} [xFmt]
 * @property {boolean} [sync] zoom with the other time charts (default true)
 * @property {import('uplot').Hooks.Arrays} [hooks]
 */
/**
 * A line chart of `series` over `x`.
 * @param {HTMLElement} el
 * @param {string} title
 * @param {number[]} x
 * @param {LineSeries[]} series
 * @param {LineOptions} [opts]
 */
function lineChart(el, title, x, series, opts) {
  var o = opts || {};
  var fmt = o.xFmt || fmtS;
  /** @type {import('uplot').Options} */
  var options = {
    title: title,
    width: chartWidth(el),
    height: o.height || 220,
    scales: { x: { time: false }, y: o.y || {} },
    axes: [{ values: function (u, v) { return v.map(fmt); } }, { label: o.yLabel || '', size: 60 }],
    series: [{ label: o.xLabel || 'time' }].concat(series.map(function (s) {
      return { label: s.label, stroke: s.colour, width: s.width || 1.5, dash: s.dash, spanGaps: false, points: { show: s.points || false, size: 5, fill: s.colour }, value: s.value };
    })),
    cursor: o.sync === false ? {} : { sync: { key: 'time' }, drag: { x: true, y: false } },
    hooks: o.hooks || {},
  };
  var u = new uPlot(options, /** @type {import('uplot').AlignedData} */ (/** @type {(number | null)[][]} */ ([x]).concat(series.map(function (s) { return s.data; }))), el);
  return addChart(u, o.sync !== false);
}
/**
 * A chart's x range (uPlot leaves it undefined until the first draw).
 * @param {uPlot} u
 * @returns {[number, number]}
 */
function xRange(u) { return [/** @type {number} */ (u.scales.x.min), /** @type {number} */ (u.scales.x.max)]; }
