// @ts-check
/*
 * What report.html's and compare.html's scripts share: fault shading, the dot plotter, line charts,
 * the charts' common x zoom. Runs in the browser beside uPlot, as a classic script: its top-level
 * names are the page's globals (globals.d.ts declares what the page gives it). Plain ES2020.
 */

/** Each fault kind's colour (r, g, b): shading at a low alpha, its label strip at a higher one. @type {Record<string, string>} */
var FAULT_RGB = { kill: '217,83,79', pause: '124,58,237', partition: '37,99,235', delay: '202,138,4', join: '8,145,178', leave: '234,88,12' };
/**
 * @param {string} kind
 * @param {number} [alpha] default: the shading's
 */
function faultColour(kind, alpha) { return 'rgba(' + (FAULT_RGB[kind] || '107,114,128') + ',' + (alpha == null ? 0.17 : alpha) + ')'; }
/** Width of the label gutter left of the timeline and the cluster lanes (the same, so that their times line up). */
var GUTTER_PX = 118;
/** The font of every chart's axis labels (set on each axis, so that a test can measure them). */
var AXIS_FONT = '12px system-ui, sans-serif';
/** The text of the x labels each chart drew last, by split: what labelExtents measures. @type {WeakMap<uPlot, [number, string][]>} */
var drawnXLabels = new WeakMap();
/**
 * An x axis's `values`: labels by `fmt`, remembered for labelExtents.
 * @param {(v: number) => string} fmt
 * @returns {(u: uPlot, splits: number[]) => string[]}
 */
function xValues(fmt) {
  return function (u, splits) {
    var left = u.bbox.left / devicePixelRatio;
    // A label that would stick out of the canvas is left out rather than cut.
    var out = splits.map(function (v) {
      var text = fmt(v), x = left + u.valToPos(v, 'x'), w = textWidth(text);
      return x - w / 2 < 0 || x + w / 2 > u.width ? '' : text;
    });
    drawnXLabels.set(u, splits.map(function (v, i) { return /** @type {[number, string]} */ ([v, out[i]]); }));
    return out;
  };
}
/** @type {CanvasRenderingContext2D | null} */
var measurer = null;
/** A label's width in CSS px, in the axes' font. @param {string} text */
function textWidth(text) {
  if (!measurer) measurer = /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d'));
  measurer.font = AXIS_FONT;
  return measurer.measureText(text).width;
}
/**
 * Where each x label of a chart lies, in CSS px from the left of its canvas (labels are centred on
 * their split): for the tests that hold that none is cut at the chart's edges.
 * @param {uPlot} u
 * @returns {{ text: string, left: number, right: number, width: number }[]}
 */
function labelExtents(u) {
  var left = u.bbox.left / devicePixelRatio;
  return (drawnXLabels.get(u) || []).filter(function (l) { return l[1] !== ''; }).map(function (l) {
    var x = left + u.valToPos(l[0], 'x'), w = textWidth(l[1]);
    return { text: l[1], left: x - w / 2, right: x + w / 2, width: u.width };
  });
}
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
      // A membership change (join, leave) is an instant: a line strong enough to see, not a faint window.
      var instant = e === f.start;
      ctx.fillStyle = faultColour(f.kind, instant ? 0.9 : undefined);
      ctx.fillRect(x0, bb.top, Math.max(instant ? 2 * devicePixelRatio : 1, x1 - x0), bb.height);
    }
    ctx.restore();
  };
}
/** Height of one row of fault labels above a chart, CSS px. */
var FAULT_ROW_PX = 16;
/**
 * @typedef {object} FaultLabel
 * @property {number} index the window's index in the faults given
 * @property {string} kind
 * @property {string} text what the label says ('' when not even the kind fits its window)
 * @property {number} x0 the window's band, CSS px from the canvas's left
 * @property {number} x1
 * @property {number} textWidth CSS px
 */
/**
 * What a fault window's label says, longest first: what the fault did (from its nemesis record), the
 * kind and its nodes, the nodes alone (the band's colour gives the kind), the kind alone.
 * @param {FaultWindow} f
 */
function faultLabelTexts(f) {
  var did = f.description.toLowerCase().indexOf(f.kind.slice(0, 4)) === 0 ? f.description : f.kind + ': ' + f.description;
  var nodes = f.nodes.join(', ');
  return nodes ? [did, f.kind + ': ' + nodes, nodes, f.kind] : [did, f.kind];
}
/**
 * A strip above a chart that labels each fault window: a band in the fault's colour, with as much
 * of its label as fits; windows that overlap in time take rows of their own (three at most).
 * @param {readonly FaultWindow[]} faults
 * @param {number} endS where a window that never healed ends
 * @returns {{ hook: (u: uPlot) => void, height: number, drawn: FaultLabel[] }}
 */
function faultStrip(faults, endS) {
  /** @type {number[]} */
  var rowEnds = [];
  var rowOf = faults.map(function (f) {
    var e = f.end == null ? endS : f.end, r = 0;
    while (r < rowEnds.length && rowEnds[r] > f.start && r < 2) r++;
    rowEnds[r] = Math.max(rowEnds[r] || 0, e);
    return r;
  });
  /** @type {FaultLabel[]} */
  var drawn = [];
  return {
    height: faults.length === 0 ? 0 : rowEnds.length * FAULT_ROW_PX + 4,
    drawn: drawn,
    hook: function (u) {
      var ctx = u.ctx, bb = u.bbox, dpr = devicePixelRatio, range = xRange(u);
      drawn.length = 0;
      ctx.save();
      ctx.font = Math.round(11 * dpr) + 'px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'left';
      faults.forEach(function (f, i) {
        var e = f.end == null ? endS : f.end;
        if (e < range[0] || f.start > range[1]) return;
        var x0 = Math.max(u.valToPos(f.start, 'x', true), bb.left), x1 = Math.min(u.valToPos(e, 'x', true), bb.left + bb.width);
        var y = (2 + rowOf[i] * FAULT_ROW_PX) * dpr, h = (FAULT_ROW_PX - 2) * dpr;
        ctx.fillStyle = faultColour(f.kind, 0.5);
        ctx.fillRect(x0, y, Math.max(dpr, x1 - x0), h);
        var text = faultLabelTexts(f).find(function (t) { return ctx.measureText(t).width + 6 * dpr <= x1 - x0; }) || '';
        if (text) { ctx.fillStyle = '#111827'; ctx.fillText(text, x0 + 3 * dpr, y + h / 2); }
        drawn.push({ index: i, kind: f.kind, text: text, x0: x0 / dpr, x1: x1 / dpr, textWidth: ctx.measureText(text).width / dpr });
      });
      ctx.restore();
    },
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
 * @property {'solid' | 'dashed' | 'dotted'} [marker] the legend's sample of the line (default: dashed when the line is)
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
 * @property {string[]} [categories] x is the index of a category with these labels, each given room (no label cut at an edge)
 * @property {boolean} [sync] zoom with the other time charts (default true)
 * @property {boolean} [merge] lines with the same values are drawn once, with one legend entry naming them all ("read = all")
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
  if (o.merge) series = mergeSame(series);
  /** @type {string[]} */
  var cats = o.categories || [];
  var categorical = o.categories !== undefined;
  var fmt = categorical ? function (/** @type {number} */ i) { return Number.isInteger(i) && cats[i] !== undefined ? cats[i] : ''; } : o.xFmt || fmtS;
  /** @type {import('uplot').Axis} */
  var xAxis = { font: AXIS_FONT, values: xValues(fmt) };
  if (categorical) xAxis.splits = function () { return cats.map(function (_, i) { return i; }); };
  /** @type {import('uplot').Options} */
  var options = {
    title: title,
    width: chartWidth(el),
    height: o.height || 220,
    // Categories get half a category of room at either end, so the first and last labels fit.
    scales: { x: categorical ? { time: false, range: [-0.5, cats.length - 0.5] } : { time: false }, y: o.y || {} },
    axes: [xAxis, { font: AXIS_FONT, label: o.yLabel || '', size: 60 }],
    series: [{ label: o.xLabel || 'time' }].concat(series.map(function (s) {
      return { label: s.label, stroke: s.colour, width: s.width || 1.5, dash: s.dash, spanGaps: false, points: { show: s.points || false, size: 5, fill: s.colour }, value: s.value };
    })),
    // The legend shows a sample of each line (CSS .line-legend): its colour, its dash, its width.
    legend: {
      markers: {
        dash: function (u, i) { var s = series[i - 1]; return s ? s.marker || (s.dash ? 'dashed' : 'solid') : 'solid'; },
        width: function (u, i) { var s = series[i - 1]; return s ? Math.max(1, Math.round(s.width || 1.5)) : 2; },
      },
    },
    cursor: o.sync === false ? {} : { sync: { key: 'time' }, drag: { x: true, y: false } },
    hooks: o.hooks || {},
  };
  var u = new uPlot(options, /** @type {import('uplot').AlignedData} */ (/** @type {(number | null)[][]} */ ([x]).concat(series.map(function (s) { return s.data; }))), el);
  u.root.classList.add('line-legend');
  return addChart(u, o.sync !== false);
}
/**
 * The series, those with the same values as an earlier one folded into it (one would hide the other,
 * and the legend would list a line nobody can see); series with nothing to draw left out.
 * @param {LineSeries[]} series
 * @returns {LineSeries[]}
 */
function mergeSame(series) {
  /** @type {Map<string, LineSeries>} */
  var seen = new Map();
  /** @type {LineSeries[]} */
  var out = [];
  series.forEach(function (s) {
    if (!s.data.some(function (v) { return v != null; })) return;
    var key = JSON.stringify(s.data), same = seen.get(key);
    if (same) { same.label += ' = ' + s.label; return; }
    var copy = Object.assign({}, s);
    seen.set(key, copy);
    out.push(copy);
  });
  return out;
}
/**
 * A chart's x range (uPlot leaves it undefined until the first draw).
 * @param {uPlot} u
 * @returns {[number, number]}
 */
function xRange(u) { return [/** @type {number} */ (u.scales.x.min), /** @type {number} */ (u.scales.x.max)]; }
