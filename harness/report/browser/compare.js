// @ts-check
/*
 * The script of compare.html (after chart-helpers.js, beside uPlot). It draws from the JSON in
 * <script id="compare-data"> (CompareData in compare-page.ts). Plain ES2020.
 */
(function () {
'use strict';
/** @type {ComparePageData} */
var C = JSON.parse(/** @type {string} */ (byId('compare-data').textContent)), rows = C.rows;
/** @param {number} i */
function colour(i) { return C.colours[i % C.colours.length]; }
/** @param {uPlot} u @param {number | null} v */
function percent(u, v) { return v == null ? '' : (v * 100).toFixed(1) + '%'; }
var buckets = C.buckets;
if (buckets.length > 0) {
  /** @type {LineSeries[]} */
  var tSeries = [];
  rows.forEach(function (r, i) {
    if (r.tMeasured) tSeries.push({ label: r.label + ' measured', colour: colour(i), points: true, width: 2, data: r.tMeasured, value: percent });
    if (r.tWars) tSeries.push({ label: r.label + (r.folder === null ? ' predicted (not run)' : ' WARS prediction'), colour: colour(i), dash: [6, 4], width: 1.5, data: r.tWars, value: percent });
  });
  lineChart(byId('t-visibility'), 'P(consistent | read began t ms after the acknowledgement)', buckets.map(function (b, i) { return i; }), tSeries,
    { sync: false, y: { range: [0, 1.02] }, xLabel: 't (ms)', categories: buckets.map(function (b) { return b.fromMs + '–' + b.toMs; }), height: 280 });
}
var ks = [0, 1, 2, 3, 4];
/** @type {LineSeries[]} */
var series = [];
rows.forEach(function (r, i) {
  if (r.kMeasured) series.push({ label: r.label + ' measured', colour: colour(i), width: 2, points: true, data: r.kMeasured, value: percent });
  if (r.kWars) series.push({ label: r.label + (r.folder === null ? ' predicted (not run)' : ' WARS prediction'), colour: colour(i), dash: [6, 4], width: 1.5, data: r.kWars, value: percent });
});
lineChart(byId('k-staleness'), 'P(read within k versions of the newest)', ks, series, { sync: false, y: { range: [0, 1.02] }, xLabel: 'k', categories: ['k = 1', 'k = 2', 'k = 3', 'k = 4', 'k = 5'], height: 280 });
var panel = byId('row-detail');
/** @param {number} i */
function showRow(i) {
  var r = rows[i];
  document.querySelectorAll('tr.selected').forEach(function (x) { x.classList.remove('selected'); });
  document.querySelectorAll('tr[data-row="' + i + '"]').forEach(function (x) { x.classList.add('selected'); });
  if (r.folder === null) {
    panel.innerHTML = '<div><b>' + esc(r.label) + '</b> · <em>predicted</em>, not run</div><div class="anomaly-explanation">' + esc(r.departure) + '</div>';
    return;
  }
  var checks = r.checks.length === 0 ? '' : '<table class="checks"><tr><th>check</th><th>promised</th><th class="num">found</th><th>verdict</th></tr>' + r.checks.map(function (c) {
    return '<tr><td>' + esc(c.check) + '</td><td>' + esc(c.promised) + '</td><td class="num">' + esc(c.found) + '</td><td><span class="verdict ' + esc(c.cls) + '">' + esc(c.verdict) + '</span></td></tr>';
  }).join('') + '</table>';
  panel.innerHTML = '<div><b>' + esc(r.label) + '</b> · <a href="' + esc(encodeURI(r.folder + '/report.html')) + '">open its report</a></div>' + checks +
    '<div class="anomaly-explanation">' + esc(r.departure) + '</div>' +
    (r.highlights.length > 0 ? '<ul>' + r.highlights.map(function (h) { return '<li>' + esc(h) + '</li>'; }).join('') + '</ul>' : '<div class="muted">The run found no anomalies.</div>');
}
document.addEventListener('click', function (e) {
  var target = /** @type {Element} */ (e.target);
  var t = target.closest ? target.closest('tr[data-row]') : null;
  if (t && !(target.closest && target.closest('a'))) showRow(Number(t.getAttribute('data-row')));
});
window.godistCompare = { charts: charts, showRow: showRow };
document.body.setAttribute('data-ready', '1');
})();
