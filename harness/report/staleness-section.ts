/**
 * The staleness part of report.html: k-staleness and t-visibility as the run measured them, beside
 * PBS's WARS prediction from the run's own latencies (and the closed form, labelled as the bound it
 * is), with a sentence on where each departs. Pure: data in, HTML out; the chart is drawn by
 * browser/report.js from the same data.
 */
import type { StalenessPrediction } from '../checks/staleness-prediction.js';
import { esc } from './html.js';
import type { StalenessData } from './report-data.js';

export function stalenessPart(prediction: StalenessPrediction | null | undefined, s: StalenessData): string {
  const { kStaleness: k, tVisibility: t, predicted: closed, wars, quiet } = s;
  const out: string[] = ['<h3 id="staleness">Staleness: measured, and as PBS predicts it</h3>'];
  const from = prediction?.predicted?.from;
  out.push(
    `<p class="help">k-staleness: of the ${k.reads} ok reads of the main phase that followed an acknowledged write of their key, the share that returned one of the k newest acknowledged versions (k = 1: the newest). ` +
      `The WARS prediction is PBS's Monte Carlo over ${from ? esc(from) : 'the latencies the run measured'}, for this run's N/R/W (docs/staleness.md: on quiet runs within 3 points of the measurement). ` +
      'The closed form, 1 − (C(N−W, R) / C(N, R))^k, assumes a write reaches exactly W replicas and never more: a bound, not a prediction, for a system that sends every write to all N.</p>',
  );
  out.push('<table id="k-staleness"><tr><th>k</th>' + k.share.map((_, i) => `<th class="num">${i + 1}</th>`).join('') + '</tr>');
  out.push(`<tr><td>measured (of ${k.reads} reads)</td>` + k.share.map((x) => `<td class="num">${k.reads > 0 ? pct(x) : '–'}</td>`).join('') + '</tr>');
  if (wars) out.push('<tr><td>WARS prediction</td>' + wars.kStaleness.map((x) => `<td class="num">${pct(x)}</td>`).join('') + '</tr>');
  if (closed) out.push('<tr><td class="muted">closed form (bound)</td>' + closed.map((x) => `<td class="num muted">${pct(x)}</td>`).join('') + '</tr>');
  out.push('</table>');
  if (prediction?.kDeparture) out.push(`<p id="k-departure" class="departure">${esc(prediction.kDeparture)}</p>`);
  if (prediction?.predicted && prediction.predicted.assumed.length > 0) out.push(`<p class="help">Taken as 0 ms for want of samples: ${esc(prediction.predicted.assumed.join('; '))}.</p>`);
  out.push(
    `<p class="help">t-visibility: of ${t.pairs} (acknowledged write, later read of the same key) pairs, the share in which the read saw that write or a newer one, by how long after the acknowledgement the read began${quiet ? '; also of the pairs whose read began outside every fault window' : ''}.</p>`,
  );
  out.push('<div id="t-visibility" class="chart"></div>');
  const row = (label: string, xs: readonly (number | null)[]) => `<tr><td>${label}</td>${xs.map((x) => `<td class="num">${pct(x)}</td>`).join('')}</tr>`;
  const counts = (label: string, xs: readonly number[]) => `<tr><td class="muted">${label}</td>${xs.map((x) => `<td class="num muted">${x}</td>`).join('')}</tr>`;
  const quietPairs = prediction?.quiet?.buckets.map((b) => b.pairs);
  out.push(
    '<table id="t-visibility-table"><tr><th>t (ms)</th>' + t.buckets.map((b) => `<th class="num">${b.fromMs}–${b.toMs}</th>`).join('') + '</tr>' +
      row('measured, of all pairs', t.buckets.map((b) => b.p)) +
      (quiet ? row('measured, of the pairs outside fault windows', quiet) : '') +
      (wars ? row('WARS prediction', wars.tVisibility) : '') +
      counts('pairs', t.buckets.map((b) => b.pairs)) +
      (quiet && quietPairs ? counts('pairs outside fault windows', quietPairs) : '') +
      '</table>',
  );
  out.push(`<p id="prediction-departure" class="departure">${prediction ? esc(prediction.departure) : 'No WARS prediction: this page was built without one.'}</p>`);
  return out.join('\n');
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`;
}
